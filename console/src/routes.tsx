import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes as RouterRoutes, useLocation } from 'react-router';
import { Center, Loader } from '@mantine/core';
import { useSession } from './session';
import { SignIn } from './pages/SignIn';
import { Layout } from './components/Layout';
import { TeamApps } from './pages/TeamApps';
import { Teams } from './pages/Teams';
import { AppPage } from './pages/AppPage';
import { ErrorBoundary } from './components/ErrorBoundary';

// Screens visited less often load on demand, keeping the first load small.
const CreateApp = lazy(() => import('./pages/CreateApp'));
const Market = lazy(() => import('./pages/Market'));
const Topology = lazy(() => import('./pages/Topology'));
const Tokens = lazy(() => import('./pages/Tokens'));
const Events = lazy(() => import('./pages/Events'));
const Clusters = lazy(() => import('./pages/Clusters'));

function Home() {
  const { principal } = useSession();
  if (principal?.kind === 'team') return <Navigate to={`/teams/${principal.team}`} replace />;
  return <Teams />;
}

function NotFound() {
  return <Center p="xl" role="alert">There is no page at this address.</Center>;
}

/** The console's URLs, stable and shareable; every one reloads to the same screen. */
export function Routes() {
  const { principal } = useSession();
  const { pathname } = useLocation();
  if (!principal) return <SignIn />;
  return (
    <Layout>
      <ErrorBoundary resetKey={pathname}>
        <Suspense fallback={<Center p="xl"><Loader aria-label="Loading" /></Center>}>
          <RouterRoutes>
            <Route path="/" element={<Home />} />
            <Route path="/teams" element={<Teams />} />
            <Route path="/clusters" element={<Clusters />} />
            <Route path="/teams/:team" element={<TeamApps />} />
            <Route path="/teams/:team/new" element={<CreateApp />} />
            <Route path="/teams/:team/apps/:app/:tab?" element={<AppPage />} />
            <Route path="/teams/:team/market" element={<Market />} />
            <Route path="/teams/:team/topology" element={<Topology />} />
            <Route path="/teams/:team/tokens" element={<Tokens />} />
            <Route path="/teams/:team/events" element={<Events />} />
            <Route path="*" element={<NotFound />} />
          </RouterRoutes>
        </Suspense>
      </ErrorBoundary>
    </Layout>
  );
}
