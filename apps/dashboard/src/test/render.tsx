import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRouter, RouterProvider } from '@tanstack/react-router';
import { render } from '@testing-library/react';
import { auth } from '../api/client';
import { routeTree } from '../routes';

/** The real route tree at `url`, signed in, with a fresh query cache; returns the router to read its URL. */
export function renderApp(url: string) {
  auth.set('test-admin-key-0123456789');
  const router = createRouter({ routeTree, history: createMemoryHistory({ initialEntries: [url] }) });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { router, ...view };
}
