import { Module, type DynamicModule } from '@nestjs/common';
import { ParkingService } from '@hub/messaging';
import { loadSettings, type EncryptionConfig } from '@hub/platform';
import { createWorkAdminController, ParkedMessagesFlow, WORK_FLOW_SOURCES } from '@hub/work';
import { PricesFlow } from './admin/work/prices.flow';
import { ProductsFlow } from './admin/work/products.flow';
import { StockFlow } from './admin/work/stock.flow';
import { TinyProductSearchController } from './admin/work/tiny-product-search.controller';
import { CatalogInfrastructureModule } from './catalog-infrastructure.module';
import { CatalogSettings } from './catalog.settings';
import { PricesModule } from './prices/prices.module';
import { ProductsModule } from './products/products.module';
import { StockModule } from './stock/stock.module';

/** Catalog: the stock, prices and products modules on the shared infrastructure, and the dashboard's work admin. */
@Module({})
export class CatalogAppModule {
  static forConfig(config: EncryptionConfig): DynamicModule {
    // The service's own settings, validated now (a bad value stops the start); its loops read them by name.
    loadSettings(CatalogSettings);
    return {
      module: CatalogAppModule,
      imports: [CatalogInfrastructureModule.forConfig(config), StockModule, PricesModule, ProductsModule],
      controllers: [TinyProductSearchController, createWorkAdminController('catalog')],
      providers: [
        {
          provide: WORK_FLOW_SOURCES,
          useFactory: (stock: StockFlow, prices: PricesFlow, products: ProductsFlow, parking: ParkingService) => [stock, prices, products, new ParkedMessagesFlow('catalog', parking)],
          inject: [StockFlow, PricesFlow, ProductsFlow, ParkingService],
        },
      ],
    };
  }
}
