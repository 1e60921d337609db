import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface OrderBinding {
  connectionId: string;
  iderisOrderId: number;
  tinyOrderId: string;
  tinyOrderNumber: string | null;
  marketplaceOrderCode: string | null;
}

interface Row {
  connection_id: string;
  ideris_order_id: string;
  tiny_order_id: string;
  tiny_order_number: string | null;
  marketplace_order_code: string | null;
}

/** What Tiny's notifications name an order by: its Tiny id (`idVendaTiny`) and/or the marketplace code (`idPedidoEcommerce`). */
export interface OrderReference {
  tinyOrderId?: string | null;
  marketplaceOrderCode?: string | null;
}

@Injectable()
export class OrderBindingRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records the binding; returns whether it is new. */
  async bind(manager: EntityManager, binding: OrderBinding): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO order_binding (connection_id, ideris_order_id, tiny_order_id, tiny_order_number, marketplace_order_code)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (connection_id, ideris_order_id) DO UPDATE SET tiny_order_id = EXCLUDED.tiny_order_id,
         tiny_order_number = COALESCE(EXCLUDED.tiny_order_number, order_binding.tiny_order_number),
         marketplace_order_code = COALESCE(EXCLUDED.marketplace_order_code, order_binding.marketplace_order_code)
       WHERE order_binding.tiny_order_id IS DISTINCT FROM EXCLUDED.tiny_order_id
       RETURNING 1`,
      [binding.connectionId, binding.iderisOrderId, binding.tinyOrderId, binding.tinyOrderNumber, binding.marketplaceOrderCode],
    );
    return rows.length > 0;
  }

  /** By Tiny order id first (exact), else by the marketplace order code. */
  async find(connectionId: string, ref: OrderReference): Promise<OrderBinding | undefined> {
    if (ref.tinyOrderId) {
      const rows: Row[] = await this.dataSource.query('SELECT * FROM order_binding WHERE connection_id = $1 AND tiny_order_id = $2 LIMIT 1', [connectionId, ref.tinyOrderId]);
      if (rows[0]) return toBinding(rows[0]);
    }
    if (ref.marketplaceOrderCode) {
      const rows: Row[] = await this.dataSource.query('SELECT * FROM order_binding WHERE connection_id = $1 AND marketplace_order_code = $2 LIMIT 1', [connectionId, ref.marketplaceOrderCode]);
      if (rows[0]) return toBinding(rows[0]);
    }
    return undefined;
  }

  async findByIderisOrder(connectionId: string, iderisOrderId: number): Promise<OrderBinding | undefined> {
    const rows: Row[] = await this.dataSource.query('SELECT * FROM order_binding WHERE connection_id = $1 AND ideris_order_id = $2', [connectionId, iderisOrderId]);
    return rows[0] ? toBinding(rows[0]) : undefined;
  }
}

function toBinding(row: Row): OrderBinding {
  return {
    connectionId: row.connection_id,
    iderisOrderId: Number(row.ideris_order_id),
    tinyOrderId: row.tiny_order_id,
    tinyOrderNumber: row.tiny_order_number,
    marketplaceOrderCode: row.marketplace_order_code,
  };
}
