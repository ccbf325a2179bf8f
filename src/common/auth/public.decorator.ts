import { setRouteAuth } from './route-auth.metadata.js';

/** Opts a route out of authentication. Use sparingly: everything else is denied by default. */
export const Public = () => setRouteAuth({ kind: 'public' });
