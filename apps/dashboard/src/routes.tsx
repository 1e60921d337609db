import { createRootRoute, createRoute, createRouter, redirect } from '@tanstack/react-router';
import { auth } from './api/client';
import { Layout } from './components/Layout';
import { BudgetPage } from './pages/Budget';
import { ConnectionPage } from './pages/ConnectionPage';
import { ConnectionWizard } from './pages/ConnectionWizard';
import { FailureItemPage } from './pages/FailureItem';
import { FailuresPage } from './pages/Failures';
import { FiscalPage } from './pages/Fiscal';
import { OrdersPage } from './pages/Orders';
import { OverviewPage } from './pages/Overview';
import { ParkedPage } from './pages/Parked';
import { SearchPage } from './pages/Search';
import { SignInPage } from './pages/SignIn';
import { StatusPage } from './pages/Status';
import { StockPage } from './pages/Stock';
import { parseConnectionSearch, parseFailuresSearch, parseFiscalSearch, parseItemSearch, parseOrdersSearch, parseOverviewSearch, parseParkedSearch, parseQSearch } from './lib/search';

const rootRoute = createRootRoute({ component: Layout });

const signedIn = ({ location }: { location: { href: string } }) => {
  if (!auth.get()) throw redirect({ to: '/entrar', search: { next: location.href } });
};


const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/entrar',
  component: SignInPage,
  validateSearch: (s: Record<string, unknown>): { next?: string } => (typeof s.next === 'string' ? { next: s.next } : {}),
});
const overviewRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: OverviewPage, beforeLoad: signedIn, validateSearch: parseOverviewSearch });
const wizardRoute = createRoute({ getParentRoute: () => rootRoute, path: '/conexoes/nova', component: ConnectionWizard, beforeLoad: signedIn });
const connectionRoute = createRoute({ getParentRoute: () => rootRoute, path: '/conexoes/$id', component: ConnectionPage, beforeLoad: signedIn });
const failuresRoute = createRoute({ getParentRoute: () => rootRoute, path: '/falhas', component: FailuresPage, beforeLoad: signedIn, validateSearch: parseFailuresSearch });
const failureItemRoute = createRoute({ getParentRoute: () => rootRoute, path: '/falhas/item', component: FailureItemPage, beforeLoad: signedIn, validateSearch: parseItemSearch });
const ordersRoute = createRoute({ getParentRoute: () => rootRoute, path: '/pedidos', component: OrdersPage, beforeLoad: signedIn, validateSearch: parseOrdersSearch });
const stockRoute = createRoute({ getParentRoute: () => rootRoute, path: '/estoque', component: StockPage, beforeLoad: signedIn, validateSearch: parseConnectionSearch });
const fiscalRoute = createRoute({ getParentRoute: () => rootRoute, path: '/notas', component: FiscalPage, beforeLoad: signedIn, validateSearch: parseFiscalSearch });
const statusRoute = createRoute({ getParentRoute: () => rootRoute, path: '/situacoes', component: StatusPage, beforeLoad: signedIn, validateSearch: parseConnectionSearch });
const parkedRoute = createRoute({ getParentRoute: () => rootRoute, path: '/mensagens', component: ParkedPage, beforeLoad: signedIn, validateSearch: parseParkedSearch });
const budgetRoute = createRoute({ getParentRoute: () => rootRoute, path: '/consumo', component: BudgetPage, beforeLoad: signedIn, validateSearch: parseConnectionSearch });
const searchRoute = createRoute({ getParentRoute: () => rootRoute, path: '/busca', component: SearchPage, beforeLoad: signedIn, validateSearch: parseQSearch });

export const routeTree = rootRoute.addChildren([
  signInRoute,
  overviewRoute,
  wizardRoute,
  connectionRoute,
  failuresRoute,
  failureItemRoute,
  ordersRoute,
  stockRoute,
  fiscalRoute,
  statusRoute,
  parkedRoute,
  budgetRoute,
  searchRoute,
]);

export const router = createRouter({ routeTree, defaultPreload: false });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
