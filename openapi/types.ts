// Generated from openapi/openapi.yaml by `npm run gen`. Do not edit.
export interface paths {
    "/teams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Teams the caller can see (all for the admin, its own for a team token) */
        get: operations["listTeams"];
        put?: never;
        /** Create a team (admin only) */
        post: operations["createTeam"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        get: operations["getTeam"];
        put?: never;
        post?: never;
        /** Delete an empty team (admin only); its namespace is removed asynchronously */
        delete: operations["deleteTeam"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        get: operations["listApps"];
        put?: never;
        /** Create an app from a ready image */
        post: operations["createApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        get: operations["getApp"];
        put?: never;
        post?: never;
        /** Delete the app; its objects are removed from the cluster asynchronously */
        delete: operations["deleteApp"];
        options?: never;
        head?: never;
        /** Change any of the app's fields; fields left out keep their value */
        patch: operations["updateApp"];
        trace?: never;
    };
    "/teams/{team}/apps/{app}/start": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["startApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Keep the app and its config but run zero replicas */
        post: operations["stopApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/restart": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Roll every pod of a running app */
        post: operations["restartApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/releases": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        /** The app's releases, newest first */
        get: operations["listReleases"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/events": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        /** The team's audit trail, newest first */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A team's tokens (owner or admin); secrets are never returned */
        get: operations["listApiTokens"];
        put?: never;
        /** Create a team token (owner or admin); the secret is in this response only */
        post: operations["createApiToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a token at once */
        delete: operations["revokeApiToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description A DNS-1123 label; the team's namespace is the configured prefix plus this name */
        TeamName: string;
        /** @description A DNS-1035 label (it names the app's Deployment and Service) */
        AppName: string;
        /**
         * @description A Kubernetes quantity such as 250m, 0.5, 128Mi, 1Gi
         * @example 250m
         * @example 256Mi
         */
        Quantity: string;
        Problem: {
            type: string;
            title: string;
            status: number;
            detail?: string;
            /** @description Same as the GraphQL extensions.code */
            code?: string;
            /** @description One entry per bad field */
            errors?: {
                field: string;
                message: string;
            }[];
        };
        Team: {
            name: string;
            namespace: string;
            /** Format: date-time */
            createdAt: string;
        };
        CreateTeam: {
            name: components["schemas"]["TeamName"];
        };
        EnvVar: {
            /** @description A C identifier; PORT is reserved */
            name: string;
            value: string;
        };
        ResourceList: {
            cpu?: components["schemas"]["Quantity"];
            memory?: components["schemas"]["Quantity"];
        };
        Resources: {
            requests?: components["schemas"]["ResourceList"];
            limits?: components["schemas"]["ResourceList"];
        };
        AppStatus: {
            /** @enum {string} */
            health: "Ready" | "Progressing" | "Degraded" | "Failed" | "Missing";
            reason: string;
            message: string;
            readyReplicas: number;
            desiredReplicas: number;
            observedGeneration: number;
            endpoints: string[];
            /** Format: date-time */
            updatedAt: string;
        };
        App: {
            name: string;
            team: string;
            image: string;
            port: number;
            /** @description Replicas when running; a stopped app runs none */
            replicas: number;
            env: components["schemas"]["EnvVar"][];
            domains: string[];
            resources: components["schemas"]["Resources"];
            /** @description HTTP path probed for readiness and liveness; null probes the TCP port */
            healthCheckPath: string | null;
            /** @description Domains are served over TLS (one certificate Secret per host) */
            tls: boolean;
            running: boolean;
            generation: number;
            currentRelease: number | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            status: components["schemas"]["AppStatus"];
        };
        CreateApp: {
            name: components["schemas"]["AppName"];
            /** @example nginx:1.27 */
            image: string;
            /** @default 8080 */
            port?: number;
            /** @default 1 */
            replicas?: number;
            env?: components["schemas"]["EnvVar"][];
            domains?: string[];
            resources?: components["schemas"]["Resources"];
            /** @example /healthz */
            healthCheckPath?: string | null;
            /** @default false */
            tls?: boolean;
        };
        UpdateApp: {
            image?: string;
            port?: number;
            replicas?: number;
            env?: components["schemas"]["EnvVar"][];
            domains?: string[];
            resources?: components["schemas"]["Resources"];
            /** @description null goes back to probing the TCP port */
            healthCheckPath?: string | null;
            tls?: boolean;
        };
        ReleaseConfig: {
            port: number;
            env: components["schemas"]["EnvVar"][];
            resources: components["schemas"]["Resources"];
            healthCheckPath?: string | null;
        };
        Release: {
            number: number;
            image: string;
            config: components["schemas"]["ReleaseConfig"];
            description: string;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
        };
        /** @enum {string} */
        Role: "owner" | "developer" | "viewer";
        ApiToken: {
            /** Format: uuid */
            id: string;
            name: string;
            role: components["schemas"]["Role"];
            team: string;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            lastUsedAt: string | null;
            /** Format: date-time */
            revokedAt: string | null;
        };
        CreateApiToken: {
            team: components["schemas"]["TeamName"];
            role: components["schemas"]["Role"];
            name: string;
        };
        CreatedApiToken: {
            /** @description The bearer token; shown only in this response */
            secret: string;
            token: components["schemas"]["ApiToken"];
        };
        Event: {
            id: string;
            actor: string;
            action: string;
            subject: string;
            /** @enum {string} */
            outcome: "success" | "failure";
            message: string;
            requestId: string | null;
            /** Format: date-time */
            createdAt: string;
        };
    };
    responses: {
        /** @description Recorded; the cluster converges asynchronously */
        AppAccepted: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["App"];
            };
        };
        /** @description An error (RFC 9457 problem details) */
        Problem: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        team: components["schemas"]["TeamName"];
        app: components["schemas"]["AppName"];
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listTeams: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The teams */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"][];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createTeam: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTeam"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getTeam: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The team */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteTeam: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deletion recorded */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listApps: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The team's apps */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["App"][];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createApp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApp"];
            };
        };
        responses: {
            /** @description Created; the first release is recorded and a reconcile is queued */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["App"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getApp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The app, with its last observed status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["App"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteApp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deletion recorded */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["App"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateApp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateApp"];
            };
        };
        responses: {
            /** @description The updated app */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["App"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    startApp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: components["responses"]["AppAccepted"];
            default: components["responses"]["Problem"];
        };
    };
    stopApp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: components["responses"]["AppAccepted"];
            default: components["responses"]["Problem"];
        };
    };
    restartApp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: components["responses"]["AppAccepted"];
            default: components["responses"]["Problem"];
        };
    };
    listReleases: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The releases */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Release"][];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listEvents: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Return events older than this event id (for paging) */
                before?: string;
            };
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Event"][];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listApiTokens: {
        parameters: {
            query: {
                team: components["schemas"]["TeamName"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tokens */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiToken"][];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiToken"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiToken"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    revokeApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revoked token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiToken"];
                };
            };
            default: components["responses"]["Problem"];
        };
    };
}
