import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { auth } from '../api/client';

const NAV = [
  { to: '/', label: 'Visão geral' },
  { to: '/falhas', label: 'Falhas' },
  { to: '/pedidos', label: 'Pedidos' },
  { to: '/estoque', label: 'Estoque e preços' },
  { to: '/notas', label: 'Notas e rastreio' },
  { to: '/situacoes', label: 'Situações' },
  { to: '/mensagens', label: 'Mensagens paradas' },
  { to: '/consumo', label: 'Consumo da API' },
] as const;

function HeaderSearch() {
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim()) void navigate({ to: '/busca', search: { q: q.trim() } });
  };
  return (
    <form role="search" className="header-search" onSubmit={submit}>
      <label htmlFor="global-search" className="sr-only">
        Buscar por qualquer id
      </label>
      <input id="global-search" type="search" placeholder="Buscar pedido, nº do marketplace, NF-e, SKU, CNPJ…" value={q} onChange={(e) => setQ(e.target.value)} />
      <button type="submit">Buscar</button>
    </form>
  );
}

export function Layout() {
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const navigate = useNavigate();
  if (pathname === '/entrar') {
    return (
      <main className="signin-wrap">
        <Outlet />
      </main>
    );
  }
  const signOut = () => {
    auth.clear();
    void navigate({ to: '/entrar', search: {} });
  };
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand">
          Hub Tiny ⇄ Ideris
        </Link>
        <HeaderSearch />
        <Link to="/conexoes/nova" className="button">
          + Nova conexão
        </Link>
        <button type="button" className="link" onClick={signOut}>
          Sair
        </button>
      </header>
      <nav className="sidenav" aria-label="Páginas">
        <ul>
          {NAV.map((n) => (
            <li key={n.to}>
              <Link to={n.to} activeOptions={{ exact: n.to === '/', includeSearch: false }} activeProps={{ className: 'active', 'aria-current': 'page' }}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content" id="conteudo">
        <Outlet />
      </main>
    </div>
  );
}
