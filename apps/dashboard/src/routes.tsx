import { createRootRoute, createRoute, createRouter, lazyRouteComponent, redirect } from '@tanstack/react-router';
import { auth } from './api/client';
import { Layout } from './components/Layout';
import { OverviewPage } from './pages/Overview';
import { SignInPage } from './pages/SignIn';
import { parseConnectionSearch, parseFailuresSearch, parseFiscalSearch, parseItemSearch, parseOrdersSearch, parseOverviewSearch, parseParkedSearch, parseQSearch } from './lib/search';

// The all-sellers page (the landing page) and sign-in are in the first bundle; every other page loads when first opened.
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
const wizardRoute = createRoute({ getParentRoute: () => rootRoute, path: '/conexoes/nova', component: lazyRouteComponent(() => import('./pages/ConnectionWizard'), 'ConnectionWizard'), beforeLoad: signedIn });
const connectionRoute = createRoute({ getParentRoute: () => rootRoute, path: '/conexoes/$id', component: lazyRouteComponent(() => import('./pages/ConnectionPage'), 'ConnectionPage'), beforeLoad: signedIn });
const failuresRoute = createRoute({ getParentRoute: () => rootRoute, path: '/falhas', component: lazyRouteComponent(() => import('./pages/Failures'), 'FailuresPage'), beforeLoad: signedIn, validateSearch: parseFailuresSearch });
const failureItemRoute = createRoute({ getParentRoute: () => rootRoute, path: '/falhas/item', component: lazyRouteComponent(() => import('./pages/FailureItem'), 'FailureItemPage'), beforeLoad: signedIn, validateSearch: parseItemSearch });
const ordersRoute = createRoute({ getParentRoute: () => rootRoute, path: '/pedidos', component: lazyRouteComponent(() => import('./pages/Orders'), 'OrdersPage'), beforeLoad: signedIn, validateSearch: parseOrdersSearch });
const stockRoute = createRoute({ getParentRoute: () => rootRoute, path: '/estoque', component: lazyRouteComponent(() => import('./pages/Stock'), 'StockPage'), beforeLoad: signedIn, validateSearch: parseConnectionSearch });
const fiscalRoute = createRoute({ getParentRoute: () => rootRoute, path: '/notas', component: lazyRouteComponent(() => import('./pages/Fiscal'), 'FiscalPage'), beforeLoad: signedIn, validateSearch: parseFiscalSearch });
const statusRoute = createRoute({ getParentRoute: () => rootRoute, path: '/situacoes', component: lazyRouteComponent(() => import('./pages/Status'), 'StatusPage'), beforeLoad: signedIn, validateSearch: parseConnectionSearch });
const parkedRoute = createRoute({ getParentRoute: () => rootRoute, path: '/mensagens', component: lazyRouteComponent(() => import('./pages/Parked'), 'ParkedPage'), beforeLoad: signedIn, validateSearch: parseParkedSearch });
const budgetRoute = createRoute({ getParentRoute: () => rootRoute, path: '/consumo', component: lazyRouteComponent(() => import('./pages/Budget'), 'BudgetPage'), beforeLoad: signedIn, validateSearch: parseConnectionSearch });
const searchRoute = createRoute({ getParentRoute: () => rootRoute, path: '/busca', component: lazyRouteComponent(() => import('./pages/Search'), 'SearchPage'), beforeLoad: signedIn, validateSearch: parseQSearch });

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
