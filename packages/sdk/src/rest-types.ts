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
        /** Read a team */
        get: operations["getTeam"];
        put?: never;
        post?: never;
        /** Delete an empty team (admin only); its namespace is removed asynchronously */
        delete: operations["deleteTeam"];
        options?: never;
        head?: never;
        /**
         * Set a team's Pod Security level and plan (admin only)
         * @description The namespace follows asynchronously: its Pod Security labels and its ResourceQuota are
         *     reapplied, and its apps are re-rendered (non-root pods in a restricted team). A restricted
         *     level is refused (409) while the team has apps built from git: their builds need root.
         *     `quota: null` returns the team to the platform's default plan.
         */
        patch: operations["updateTeam"];
        trace?: never;
    };
    "/clusters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List clusters with their health (admin only) */
        get: operations["listClusters"];
        put?: never;
        /**
         * Register a cluster (admin only)
         * @description Yunbang first reaches the cluster with the kubeconfig given and checks, as that identity,
         *     that it holds the rights of k8s/install's yunbang-worker and none of an admin's (an admin
         *     kubeconfig is refused). Only inline credentials are taken: no exec or auth-provider
         *     plugins, no file references. The kubeconfig is stored sealed. A cluster that cannot be
         *     reached, a bad kubeconfig and missing rights are each a 400 naming the field.
         */
        post: operations["registerCluster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clusters/{cluster}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                cluster: components["parameters"]["cluster"];
            };
            cookie?: never;
        };
        /** Read a cluster (admin only) */
        get: operations["getCluster"];
        put?: never;
        post?: never;
        /** Forget a cluster (admin only); refused while apps run there */
        delete: operations["removeCluster"];
        options?: never;
        head?: never;
        /** Change a cluster's kubeconfig, apps domain, etcd or labels (admin only) */
        patch: operations["updateCluster"];
        trace?: never;
    };
    "/clusters/{cluster}/cordon": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                cluster: components["parameters"]["cluster"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Take no new apps in a cluster (admin only); its apps keep running */
        post: operations["cordonCluster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clusters/{cluster}/uncordon": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                cluster: components["parameters"]["cluster"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Take new apps in a cluster again (admin only) */
        post: operations["uncordonCluster"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/clusters/{cluster}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                cluster: components["parameters"]["cluster"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Allow a team in a cluster (admin only)
         * @description The team's namespace is made in the cluster. `default` places the team's new apps there.
         */
        put: operations["allowTeamCluster"];
        post?: never;
        /** Disallow a team in a cluster (admin only); refused while its apps run there */
        delete: operations["disallowTeamCluster"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/move": {
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
        /**
         * Move an app to another cluster of its team
         * @description The app is brought up in the target cluster; once it is Ready there its routes switch and
         *     it is removed from the source. Until then, and if it never becomes Ready (`moveError`
         *     says why), it serves from the source. Refused (409) for apps with volumes, apps in a
         *     dependency, apps with no image yet or a build under way, and cordoned targets.
         */
        post: operations["moveApp"];
        delete?: never;
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
        /** List a team's apps */
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
        /** Read an app, with its status */
        get: operations["getApp"];
        put?: never;
        post?: never;
        /**
         * Delete the app; its objects are removed from the cluster asynchronously
         * @description Its volume claims and generated secrets are kept unless deleteData is true; the answer says which. An app others depend on cannot be deleted (409).
         */
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
        /** Start a stopped app (its config was kept) */
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
    "/teams/{team}/apps/{app}/rollback": {
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
        /** Record a new release with the image and config of an earlier one, and run it */
        post: operations["rollbackApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/webhook-secret": {
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
        /** A new webhook secret for a git app (shown only in this response) */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/builds": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        /** The app's builds, newest first */
        get: operations["listBuilds"];
        put?: never;
        /** Build the app's branch, or the given ref */
        post: operations["triggerBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        /** The last lines of every running replica, read through the API server */
        get: operations["getAppLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        /**
         * The app's request rate, errors, latency, CPU, memory against its limit, replicas and restarts
         * @description Each series is a list of points; a gap where there was nothing to measure (no requests, no replicas). The unit is in every name.
         */
        get: operations["getAppMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        /** The team's requests, errors, CPU and memory over all its apps */
        get: operations["getTeamMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/log-lines": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        /**
         * The app's kept log lines, every replica's (those since deleted too), searched by time and text
         * @description The newest `limit` lines between `since` and `until` that contain `grep`, oldest first; `truncated` when there were more.
         */
        get: operations["searchAppLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/drains": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        /** The app's log drains: where every line it prints is also sent */
        get: operations["listLogDrains"];
        put?: never;
        /** Send every line the app prints to a syslog receiver (RFC 5424 over TCP or TLS) or an HTTPS endpoint (logplex frames), as Heroku's drains */
        post: operations["addLogDrain"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/drains/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Stop sending the app's lines to this drain */
        delete: operations["removeLogDrain"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        /** The app's latest one-off commands, newest first */
        get: operations["listRuns"];
        put?: never;
        /**
         * Run a one-off command in a Job from the app's current release, with its config and its dependencies' env (Heroku's `heroku run`)
         * @description Attached (the default), follow its output with the GraphQL subscription `runOutput`; its caller leaving cancels it. Detached, its output goes to the app's logs. Audited with the command. 409 when the app has no release yet or is stopped.
         */
        post: operations["runCommand"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
                id: string;
            };
            cookie?: never;
        };
        /** One run, with its status and exit code */
        get: operations["getRun"];
        put?: never;
        post?: never;
        /** Stop a run that has not finished (its pod is stopped) */
        delete: operations["cancelRun"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/autoscaling": {
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
        /**
         * Sets the app's autoscaling rule: a HorizontalPodAutoscaler keeps its replicas between min and max, aiming at the targets
         * @description Refused (409) when the app's cluster cannot measure a target given (no resource metrics,
         *     metrics.k8s.io, for CPU and memory; no Yunbang request metrics, external.metrics.k8s.io,
         *     for requestsPerReplica and p95Ms), when the team's plan has no room for max replicas, and
         *     for apps with volumes. While a rule is set,
         *     setting `replicas` by hand is refused, naming the rule.
         */
        put: operations["setAutoscaling"];
        post?: never;
        /** Turns autoscaling off: the app keeps the replicas it has, as its own count */
        delete: operations["removeAutoscaling"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        /** The app's alert rules in force, and where they differ from the platform's defaults */
        get: operations["getAppAlerts"];
        /** Sets the app's rules where they differ from the defaults: a rule given replaces its default (false turns it off), one not given keeps it; {} returns all to the defaults */
        put: operations["setAppAlerts"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        /** Where the team is told when its apps' alerts fire and resolve */
        get: operations["listNotifications"];
        put?: never;
        /** Posts the team's alerts to a webhook, signed (X-Yunbang-Signature: sha256=HMAC of the body), as JSON or a Slack-compatible body */
        post: operations["addNotification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/notifications/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Stop posting the team's alerts there */
        delete: operations["removeNotification"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clusters/{cluster}/resources": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                cluster: components["parameters"]["cluster"];
            };
            cookie?: never;
        };
        /** A cluster's nodes: capacity, allocatable, what Yunbang's pods request, and what is in use (the admin only) */
        get: operations["getClusterResources"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/builds/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["buildId"];
            };
            cookie?: never;
        };
        /** Read a build */
        get: operations["getBuild"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/builds/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["buildId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a build that has not finished */
        post: operations["cancelBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/builds/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["buildId"];
            };
            cookie?: never;
        };
        /** The build's log lines (kept after its pods are gone) */
        get: operations["getBuildLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/detect": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Preview what Yunbang would build from a repository (nothing is recorded)
         * @description Clones the ref over https without credentials and runs the detector. It needs the developer
         *     role in the team and is limited per token (YUNBANG_DETECT_PER_MINUTE, 429 beyond). The URL's
         *     host must resolve to public addresses only, unless it is in YUNBANG_GIT_ALLOWED_HOSTS; a
         *     refused URL is a 400 naming the rule.
         */
        post: operations["detectSource"];
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
    "/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Built-in templates, and those published to the team's catalogue or platform-wide */
        get: operations["listTemplates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/templates/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A built-in template */
        get: operations["getTemplate"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/templates/{owner}/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A template published by a team (as the caller's team sees it) */
        get: operations["getPublishedTemplate"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/templates": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Publish apps (with the dependencies among them) as a template version, or import a template definition */
        post: operations["publishTemplate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/installations": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        /** List a team's template installations */
        get: operations["listInstallations"];
        put?: never;
        /** Install a template; every component becomes an app, with its dependencies, in one transaction */
        post: operations["installTemplate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/installations/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                name: components["schemas"]["AppName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete the installation's apps; volumes and generated secrets are kept unless deleteData is true */
        delete: operations["uninstallTemplate"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/installations/{name}/upgrade": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                name: components["schemas"]["AppName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move the installation to a newer version of its template */
        post: operations["upgradeInstallation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/dependencies": {
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
        /** The app gets the dependency's connection info as env vars and a network path to its port */
        post: operations["addDependency"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/dependencies/{dependsOn}": {
        parameters: {
            query?: {
                dependsOnTeam?: components["schemas"]["TeamName"];
            };
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
                dependsOn: components["schemas"]["AppName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a dependency (its env and network path go) */
        delete: operations["removeDependency"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/shares": {
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
        /** Let another team depend on this app */
        post: operations["shareApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team}/apps/{app}/shares/{withTeam}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
                withTeam: components["schemas"]["TeamName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Stop sharing an app with another team */
        delete: operations["unshareApp"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ResourceAmounts: {
            cpuCores: number;
            memoryBytes: number;
        };
        ResourceAmountsWithPods: {
            cpuCores: number;
            memoryBytes: number;
            pods: number;
        };
        ClusterResources: {
            cluster: string;
            /**
             * Format: date-time
             * @description When the worker last read the nodes
             */
            checkedAt: string | null;
            nodes: {
                name: string;
                ready: boolean;
                capacity: components["schemas"]["ResourceAmountsWithPods"];
                allocatable: components["schemas"]["ResourceAmountsWithPods"];
                /** @description Of the pods Yunbang runs there */
                requests: components["schemas"]["ResourceAmountsWithPods"];
                /** @description In use now, from the kubelet through Prometheus; null without one */
                usage: components["schemas"]["ResourceAmounts"] | null;
            }[];
        };
        ThresholdRule: {
            threshold: number;
            /** @description Below this many requests in the window the rule never fires (a quiet app never pages) */
            minRequests: number;
        };
        RatioRule: {
            threshold: number;
        };
        /** @description An app's four rules; false: the rule is off */
        AlertRules: {
            /** @description Share of requests answered 5xx over 5 minutes (0 to 1) */
            errorRatio: components["schemas"]["ThresholdRule"] | false;
            /** @description 95th percentile response time over 5 minutes, in milliseconds */
            latencyP95Ms: components["schemas"]["ThresholdRule"] | false;
            /** @description A replica in CrashLoopBackOff */
            crashLoop: boolean;
            /** @description Memory in use as a share of the limit */
            memoryRatio: components["schemas"]["RatioRule"] | false;
        };
        AlertRulesInput: {
            errorRatio?: components["schemas"]["ThresholdRule"] | false;
            latencyP95Ms?: components["schemas"]["ThresholdRule"] | false;
            crashLoop?: boolean;
            memoryRatio?: components["schemas"]["RatioRule"] | false;
        };
        AppAlerts: {
            rules: components["schemas"]["AlertRules"];
            overrides: components["schemas"]["AlertRulesInput"];
        };
        Notification: {
            /** Format: uuid */
            id: string;
            url: string;
            /** @enum {string} */
            format: "json" | "slack";
            /** Format: date-time */
            createdAt: string;
            /** @description The signing secret; only in the answer that created it */
            secret?: string;
        };
        LogDrain: {
            /** Format: uuid */
            id: string;
            url: string;
            /** Format: date-time */
            createdAt: string;
        };
        LogSearch: {
            /** @description There were more lines than `limit`; the newest are given */
            truncated: boolean;
            lines: {
                /**
                 * Format: date-time
                 * @description When the container printed it
                 */
                at: string;
                /** @description The replica that printed it */
                pod: string;
                line: string;
            }[];
        };
        MetricPoint: {
            /** @description Seconds since the epoch */
            t: number;
            v: number;
        };
        MetricsRange: {
            /** @description Seconds since the epoch */
            start: number;
            /** @description Seconds since the epoch */
            end: number;
            stepSeconds: number;
        };
        AppMetrics: {
            range: components["schemas"]["MetricsRange"];
            /** @description Requests through the gateways, per second */
            requestsPerSecond: components["schemas"]["MetricPoint"][];
            /** @description Share of requests answered 5xx, from 0 to 1; a gap where there were no requests */
            errorRatio: components["schemas"]["MetricPoint"][];
            /** @description Median response time at the gateway, in milliseconds */
            latencyP50Ms: components["schemas"]["MetricPoint"][];
            /** @description 95th percentile response time, in milliseconds */
            latencyP95Ms: components["schemas"]["MetricPoint"][];
            /** @description 99th percentile response time, in milliseconds */
            latencyP99Ms: components["schemas"]["MetricPoint"][];
            /** @description CPU used by the app container over all replicas, in cores */
            cpuCores: components["schemas"]["MetricPoint"][];
            /** @description Memory in use (working set) over all replicas, in bytes */
            memoryBytes: components["schemas"]["MetricPoint"][];
            /** @description The memory limit over the same replicas, in bytes */
            memoryLimitBytes: components["schemas"]["MetricPoint"][];
            /** @description Replicas ready */
            replicas: components["schemas"]["MetricPoint"][];
            /** @description Container restarts over the current replicas */
            restarts: components["schemas"]["MetricPoint"][];
        };
        TeamMetrics: {
            range: components["schemas"]["MetricsRange"];
            /** @description Requests through the gateways, per second */
            requestsPerSecond: components["schemas"]["MetricPoint"][];
            /** @description Share of requests answered 5xx, from 0 to 1 */
            errorRatio: components["schemas"]["MetricPoint"][];
            /** @description CPU used by the team's app containers, in cores */
            cpuCores: components["schemas"]["MetricPoint"][];
            /** @description Memory in use by the team's app containers, in bytes */
            memoryBytes: components["schemas"]["MetricPoint"][];
        };
        Template: {
            /** @description A built-in name (mysql), or team/name for a published one */
            name: string;
            description: string;
            /** @description Newest first; the first is the default */
            versions: string[];
            parameters: {
                name: string;
                description: string | null;
                /** @enum {string} */
                type: "string" | "integer" | "boolean";
                /** @description As text; null: the parameter is required */
                default: string | null;
                required: boolean;
                allowed: string[] | null;
            }[];
            components: string[];
            publishedBy: string | null;
            /** @enum {string} */
            scope: "builtin" | "team" | "platform";
        };
        Installation: {
            name: string;
            template: string;
            version: string;
            apps: components["schemas"]["App"][];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        InstallTemplate: {
            /**
             * @example mysql
             * @example acme/shop
             */
            template: string;
            /** @description Defaults to the newest */
            version?: string;
            name: components["schemas"]["AppName"];
            /**
             * @description Parameter values; missing ones take their defaults
             * @example {
             *       "database": "shop",
             *       "storage": "5Gi"
             *     }
             */
            parameters?: Record<string, never>;
        };
        PublishTemplate: {
            name: string;
            description: string;
            version: string;
            apps: components["schemas"]["AppName"][];
            /**
             * @default team
             * @enum {string}
             */
            scope?: "team" | "platform";
        };
        ImportTemplate: {
            /** @description A template in the built-in format (see src/market/templates/) */
            definition: Record<string, never>;
            /**
             * @default team
             * @enum {string}
             */
            scope?: "team" | "platform";
        };
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
            podSecurity: components["schemas"]["PodSecurity"];
            quota: components["schemas"]["TeamQuota"];
            logRetention: components["schemas"]["LogRetention"];
            /** @description The clusters it may run apps in (its namespace exists in each) */
            clusters: string[];
            /** @description Where its new apps go unless createApp names a cluster */
            defaultCluster: string | null;
        };
        ClusterName: string;
        Cluster: {
            name: string;
            /** @description The API server's URL */
            server: string;
            /** @description Default domains of its apps are <app>-<team>.<appsDomain> */
            appsDomain: string;
            /** @description Where its apps' records are published for its gateway; empty: the platform's etcd */
            etcdEndpoints: string[];
            labels: {
                [key: string]: string;
            };
            /** @description Takes no new apps (created or moved in) */
            cordoned: boolean;
            /** @description The cluster of the processes' own KUBECONFIG */
            fromEnvironment: boolean;
            /** @enum {string} */
            health: "Reachable" | "Unreachable" | "Degraded" | "Unknown";
            lastError: string | null;
            /** Format: date-time */
            lastErrorAt: string | null;
            /** Format: date-time */
            checkedAt: string | null;
            version: string | null;
            nodes: number | null;
            teams: number;
            apps: number;
            /** Format: date-time */
            createdAt: string;
        };
        RegisterCluster: {
            name: components["schemas"]["ClusterName"];
            /** @description Of Yunbang's worker identity (k8s/install's yunbang-worker), inline credentials only; never an admin's */
            kubeconfig: string;
            /** @description Of the API's identity (yunbang-api), for pod logs; absent: no logs from this cluster */
            apiKubeconfig?: string;
            /** @example eu.apps.example.com */
            appsDomain: string;
            etcdEndpoints?: string[];
            labels?: {
                [key: string]: string;
            };
        };
        UpdateCluster: {
            kubeconfig?: string;
            apiKubeconfig?: string | null;
            appsDomain?: string;
            etcdEndpoints?: string[];
            labels?: {
                [key: string]: string;
            };
        };
        /**
         * @description The Pod Security Standard the team's namespace enforces. baseline (the default) admits
         *     images that run as root with the default capabilities; restricted requires non-root pods
         *     that drop every capability but NET_BIND_SERVICE, and so has no builds from git.
         * @enum {string}
         */
        PodSecurity: "baseline" | "restricted";
        TeamQuota: {
            pods: number;
            /** @description Total CPU limit, a Kubernetes quantity such as 8 or 500m */
            cpu: string;
            /** @description Total memory limit, a Kubernetes quantity such as 16Gi */
            memory: string;
            /** @description Total storage claimed by volumes; null: no limit */
            storage: string | null;
            /** @description Builds run at once; more wait in the queue */
            builds: number;
        };
        /** @description How long a team's log lines are kept: the oldest days go first once either limit is passed (today's are always kept) */
        LogRetention: {
            days: number;
            megabytes: number;
        };
        TeamQuotaInput: {
            pods: number;
            /** @example 8 */
            cpu: string;
            /** @example 16Gi */
            memory: string;
            /**
             * @description Absent or null: no limit
             * @example 100Gi
             */
            storage?: string | null;
            builds: number;
        };
        UpdateTeam: {
            podSecurity?: components["schemas"]["PodSecurity"];
            /** @description The team's plan; null returns it to the platform's default */
            quota?: components["schemas"]["TeamQuotaInput"] | null;
            /** @description How long its log lines are kept; null returns to the platform's default */
            logRetention?: components["schemas"]["LogRetention"] | null;
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
            /**
             * @description Unknown: the app's cluster cannot be reached
             * @enum {string}
             */
            health: "Ready" | "Progressing" | "Degraded" | "Failed" | "Missing" | "Unknown";
            reason: string;
            message: string;
            readyReplicas: number;
            desiredReplicas: number;
            observedGeneration: number;
            endpoints: string[];
            /** Format: date-time */
            updatedAt: string;
        };
        /** @description Replicas between min and max, aiming at each target given (at least one) */
        AutoscalingInput: {
            min: number;
            max: number;
            /** @description Target CPU use, percent of the CPU requested */
            cpuPercent?: number | null;
            /** @description Target memory use, percent of the memory requested */
            memoryPercent?: number | null;
            /** @description Target requests a second per replica, counted by the gateways (at most three decimals) */
            requestsPerReplica?: number | null;
            /** @description Target 95th-percentile response time in milliseconds, measured by the gateways */
            p95Ms?: number | null;
            /** @description Beta: put the app to sleep (no replicas) after this many minutes without a request; the gateway holds the next request and wakes it */
            scaleToZeroAfterMinutes?: number | null;
        };
        Autoscaling: {
            min: number;
            max: number;
            cpuPercent: number | null;
            memoryPercent: number | null;
            requestsPerReplica: number | null;
            p95Ms: number | null;
            /** @description Beta: asleep after this many minutes without a request */
            scaleToZeroAfterMinutes: number | null;
            /** @description What the HorizontalPodAutoscaler last said; null until it has said anything */
            status: null | {
                currentReplicas: number;
                desiredReplicas: number;
                /** @description False while it cannot scale (no metrics, pods without requests): message says why */
                working: boolean;
                reason: string;
                message: string;
                lastScaleTime: string | null;
            };
        };
        App: {
            name: string;
            team: string;
            /** @description Its autoscaling rule and what the autoscaler says; null: scaled by hand (replicas) */
            autoscaling: null | components["schemas"]["Autoscaling"];
            /**
             * Format: date-time
             * @description Beta (scale to zero): asleep since then, with no replicas until a request wakes it; null when awake
             */
            sleepingSince: string | null;
            /** @description The cluster it runs in */
            cluster: string;
            /** @description The cluster it is moving to; it serves from `cluster` until Ready there */
            movingTo: string | null;
            /** @description Why its last move failed (it kept serving where it was) */
            moveError: string | null;
            /** @description What runs now; null until a git app's first build succeeds */
            image: string | null;
            git: components["schemas"]["GitSource"] | null;
            buildMode: components["schemas"]["BuildMode"] | null;
            dockerfilePath: string | null;
            /** @description For GitHub, GitLab, Gitea or a generic HMAC sender (git apps) */
            webhookUrl: string | null;
            port: number;
            /** @description Replicas when running; a stopped app runs none */
            replicas: number;
            env: components["schemas"]["EnvVar"][];
            /** @description Custom domains (not under the platform's apps domain, which is reserved for default domains) */
            domains: string[];
            /** @description <app>-<team>.<apps domain>, served by the gateway; null for backing services, which only their dependents reach */
            defaultDomain: string | null;
            /** @description Where end users reach the app: its default domain's URL, or its first custom domain's */
            url: string | null;
            resources: components["schemas"]["Resources"];
            capabilities: components["schemas"]["Capabilities"];
            /** @description HTTP path probed for readiness and liveness; null probes the TCP port */
            healthCheckPath: string | null;
            /** @description Every host of the app (default and custom domains) is served over HTTPS; plain HTTP redirects */
            tls: boolean;
            running: boolean;
            generation: number;
            currentRelease: number | null;
            /** @description What really serves the image where the app runs, when its cluster's node serves a local stand-in (the local stack's real node serves `mysql:8.4` with MariaDB 10.11); null where the image itself runs, as in production */
            imageServedBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            status: components["schemas"]["AppStatus"];
            volumes: components["schemas"]["Volume"][];
            /** @description Their connection info reaches this app as env vars */
            dependencies: components["schemas"]["AppRef"][];
            /** @description Other teams that may depend on it (shareApp) */
            sharedWith: string[];
            /** @description What the app gives the apps that depend on it */
            connectionInfo: {
                name: string;
                /** @description null for a secret: dependents get it by reference to a Kubernetes Secret */
                value: string | null;
                secret: boolean;
            }[];
            /** @description Env names given by more than one source */
            envConflicts: {
                name: string;
                /** @description team/app of each dependency that exports it */
                from: string[];
                /** @description The source whose value the app gets: a dependency, or "own env" */
                usedFrom: string;
            }[];
            /** @description The template installation it belongs to */
            installation: string | null;
        };
        DeletedApp: {
            app: components["schemas"]["App"];
            /** @description Its volume claims and generated secrets stay */
            dataKept: boolean;
            message: string;
        };
        Volume: {
            name: string;
            /** @example /data */
            mountPath: string;
            /** @example 1Gi */
            size: string;
            /**
             * @default ReadWriteOnce
             * @enum {string}
             */
            accessMode?: "ReadWriteOnce" | "ReadWriteMany" | "ReadOnlyMany";
            /** @description Default: the cluster's default StorageClass */
            storageClass?: string | null;
        };
        AppRef: {
            team: string;
            app: string;
        };
        GitSource: {
            url: string;
            branch: string;
            subdir: string | null;
            /** @description Credentials are stored for this repository (they are never shown) */
            hasCredentials: boolean;
            /** @description SSH host keys this app trusts besides the platform's (known_hosts lines) */
            knownHosts: string | null;
            /** @description The host key is trusted on the first clone, then pinned */
            trustOnFirstUse: boolean;
            /** @description The key pinned on the first clone (trust on first use) */
            learnedHostKeys: string | null;
        };
        GitInput: {
            /** @example https://github.com/acme/shop.git */
            url: string;
            /** @default main */
            branch?: string;
            /** @description For monorepos: the app's directory */
            subdir?: string | null;
            /**
             * @description SSH host keys to trust besides the platform's (GitHub, GitLab and Bitbucket are built in,
             *     the operator adds YUNBANG_GIT_KNOWN_HOSTS), as ssh-keyscan prints them. ssh URLs only.
             * @example [git.example.com]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI...
             */
            knownHosts?: string | null;
            /**
             * @description Trust the host key on the first clone and pin it for every later one (ssh URLs only); otherwise an unknown key fails the build
             * @default false
             */
            trustOnFirstUse?: boolean;
        };
        /** @description For a private repository: give exactly one of token (HTTPS) or sshPrivateKey (a deploy key). Kept sealed until the worker puts them into a Secret in the team's namespace; never shown again. */
        GitCredentials: {
            /** @description With token; defaults to git */
            username?: string;
            token?: string;
            sshPrivateKey?: string;
        };
        /**
         * @description AUTO: the repository's Dockerfile if it has one, else detection; DOCKERFILE: its Dockerfile; SOURCE: detection
         * @enum {string}
         */
        BuildMode: "AUTO" | "DOCKERFILE" | "SOURCE";
        /** @description Give exactly one of image or git */
        CreateApp: {
            name: components["schemas"]["AppName"];
            /** @example nginx:1.27 */
            image?: string;
            git?: components["schemas"]["GitInput"];
            gitCredentials?: components["schemas"]["GitCredentials"];
            buildMode?: components["schemas"]["BuildMode"];
            /** @default Dockerfile */
            dockerfilePath?: string;
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
            /** @description Persistent volumes (the app runs as a StatefulSet); set at creation only */
            volumes?: components["schemas"]["Volume"][];
            capabilities?: components["schemas"]["Capabilities"];
            /** @description One its team is allowed in; absent: the team's default */
            cluster?: components["schemas"]["ClusterName"];
        };
        /**
         * @description Linux capabilities the image needs; every other one is dropped. Those the baseline Pod
         *     Security Standard allows; a restricted team allows NET_BIND_SERVICE alone. An app that
         *     declares none runs non-root images with none, and root images with the runtime's
         *     defaults but NET_RAW.
         */
        Capabilities: ("AUDIT_WRITE" | "CHOWN" | "DAC_OVERRIDE" | "FOWNER" | "FSETID" | "KILL" | "MKNOD" | "NET_BIND_SERVICE" | "SETFCAP" | "SETGID" | "SETPCAP" | "SETUID" | "SYS_CHROOT")[];
        UpdateApp: {
            /** @description Turns a git app into an image app */
            image?: string;
            git?: components["schemas"]["GitInput"];
            /** @description New credentials replace the stored ones; null removes them */
            gitCredentials?: components["schemas"]["GitCredentials"] | null;
            buildMode?: components["schemas"]["BuildMode"];
            dockerfilePath?: string;
            port?: number;
            replicas?: number;
            env?: components["schemas"]["EnvVar"][];
            domains?: string[];
            resources?: components["schemas"]["Resources"];
            /** @description null goes back to probing the TCP port */
            healthCheckPath?: string | null;
            capabilities?: components["schemas"]["Capabilities"];
            tls?: boolean;
        };
        ReleaseConfig: {
            port: number;
            env: components["schemas"]["EnvVar"][];
            resources: components["schemas"]["Resources"];
            healthCheckPath?: string | null;
        };
        RunInput: {
            /** @description The command and its arguments, in place of the image's entrypoint */
            command: string[];
            /**
             * @description Follow its output (runOutput), and leaving cancels it; false: its output goes to the app's logs
             * @default true
             */
            attach?: boolean;
            /**
             * @description Stopped after this long
             * @default 3600
             */
            timeoutSeconds?: number;
        };
        Run: {
            /** Format: uuid */
            id: string;
            app: string;
            command: string[];
            /** @description The release it ran in */
            release: number;
            attached: boolean;
            timeoutSeconds: number;
            /** @enum {string} */
            status: "pending" | "running" | "succeeded" | "failed" | "timed-out" | "cancelling" | "cancelled";
            exitCode: number | null;
            /** @description Why it did not run or was stopped */
            error: string | null;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            startedAt: string | null;
            /** Format: date-time */
            finishedAt: string | null;
        };
        Release: {
            number: number;
            image: string;
            config: components["schemas"]["ReleaseConfig"];
            description: string;
            /** @description The build that made the image */
            buildId: string | null;
            rollbackOf: number | null;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
        };
        BuildPlan: {
            language: string;
            version: string | null;
            versionSource: string | null;
            packageManager: string | null;
            framework: string | null;
            buildCommand: string | null;
            startCommand: string | null;
            staticDir: string | null;
            port: number;
            evidence: string[];
            dockerfile: string | null;
        };
        Build: {
            /** Format: uuid */
            id: string;
            team: string;
            app: string;
            number: number;
            /** @enum {string} */
            status: "queued" | "detecting" | "building" | "succeeded" | "failed" | "cancelled" | "superseded";
            ref: string;
            commit: string | null;
            author: string | null;
            message: string | null;
            plan: components["schemas"]["BuildPlan"] | null;
            image: string | null;
            imageDigest: string | null;
            failureReason: string | null;
            /** @description create, manual or webhook */
            trigger: string;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            startedAt: string | null;
            /** Format: date-time */
            finishedAt: string | null;
        };
        LogLine: {
            seq: number;
            line: string;
            /** Format: date-time */
            at: string;
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
        /** @description The request does not match the API description, or a field is invalid (each named in `errors`) */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No token, or one that is unknown or revoked */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The token's role does not allow this (viewers read; developers change apps; owners manage tokens; the admin manages teams) */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such thing, or it belongs to a team the token cannot see */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description It conflicts with the current state (a name or domain taken, a dependency in use, an app already in that state); fields concerned are named in `errors` */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request body is larger than the API accepts (YUNBANG_MAX_BODY) */
        TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The caller used up its allowance for this operation; try again after Retry-After seconds */
        TooManyRequests: {
            headers: {
                /** @description Seconds until the allowance is back */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Something the answer depends on is unreachable or not configured (metrics without Prometheus, a cluster that does not answer); try again later */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /** @description How far back, e.g. 15m, 1h, 7d (at most 7d) */
        metricsWindow: string;
        /** @description Between points, e.g. 15s, 1m (default about 240 points over the window, never under the scrape interval) */
        metricsStep: string;
        buildId: string;
        team: components["schemas"]["TeamName"];
        app: components["schemas"]["AppName"];
        cluster: components["schemas"]["ClusterName"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Problem"];
        };
    };
    updateTeam: {
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
                "application/json": components["schemas"]["UpdateTeam"];
            };
        };
        responses: {
            /** @description The team with its new policy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Problem"];
        };
    };
    listClusters: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every registered cluster */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Problem"];
        };
    };
    registerCluster: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterCluster"];
            };
        };
        responses: {
            /** @description The registered cluster */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            default: components["responses"]["Problem"];
        };
    };
    getCluster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                cluster: components["parameters"]["cluster"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cluster */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    removeCluster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                cluster: components["parameters"]["cluster"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cluster as it was */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Problem"];
        };
    };
    updateCluster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                cluster: components["parameters"]["cluster"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateCluster"];
            };
        };
        responses: {
            /** @description The cluster as it now is */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            default: components["responses"]["Problem"];
        };
    };
    cordonCluster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                cluster: components["parameters"]["cluster"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cluster */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    uncordonCluster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                cluster: components["parameters"]["cluster"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cluster */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cluster"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    allowTeamCluster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                cluster: components["parameters"]["cluster"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @default false */
                    default?: boolean;
                };
            };
        };
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    disallowTeamCluster: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                cluster: components["parameters"]["cluster"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Problem"];
        };
    };
    moveApp: {
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
                "application/json": {
                    cluster: components["schemas"]["ClusterName"];
                };
            };
        };
        responses: {
            202: components["responses"]["AppAccepted"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    deleteApp: {
        parameters: {
            query?: {
                deleteData?: boolean;
            };
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
                    "application/json": components["schemas"]["DeletedApp"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    rollbackApp: {
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
                "application/json": {
                    release: number;
                };
            };
        };
        responses: {
            202: components["responses"]["AppAccepted"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            default: components["responses"]["Problem"];
        };
    };
    rotateWebhookSecret: {
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
            /** @description The new secret and the webhook URL */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        secret: string;
                        webhookUrl: string;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Problem"];
        };
    };
    listBuilds: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The builds */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    triggerBuild: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    ref?: string;
                };
            };
        };
        responses: {
            /** @description Queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            default: components["responses"]["Problem"];
        };
    };
    getAppLogs: {
        parameters: {
            query?: {
                tail?: number;
            };
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The lines, replica by replica */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        pod: string;
                        line: string;
                    }[];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    getAppMetrics: {
        parameters: {
            query?: {
                /** @description How far back, e.g. 15m, 1h, 7d (at most 7d) */
                window?: components["parameters"]["metricsWindow"];
                /** @description Between points, e.g. 15s, 1m (default about 240 points over the window, never under the scrape interval) */
                step?: components["parameters"]["metricsStep"];
            };
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The series over the window */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppMetrics"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Problem"];
        };
    };
    getTeamMetrics: {
        parameters: {
            query?: {
                /** @description How far back, e.g. 15m, 1h, 7d (at most 7d) */
                window?: components["parameters"]["metricsWindow"];
                /** @description Between points, e.g. 15s, 1m (default about 240 points over the window, never under the scrape interval) */
                step?: components["parameters"]["metricsStep"];
            };
            header?: never;
            path: {
                team: components["parameters"]["team"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The series over the window */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamMetrics"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Problem"];
        };
    };
    searchAppLogs: {
        parameters: {
            query?: {
                /** @description A duration back from now (30m, 2h, 7d) or an ISO 8601 time; default 1h */
                since?: string;
                /** @description A duration back from now or an ISO 8601 time; default now */
                until?: string;
                /** @description Only lines containing this text (literal and case-sensitive, as grep -F) */
                grep?: string;
                /** @description One replica, by its pod name or the end of it */
                replica?: string;
                limit?: number;
            };
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The lines, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogSearch"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    listLogDrains: {
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
            /** @description The drains, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogDrain"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    addLogDrain: {
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
                "application/json": {
                    /** @description syslog://host:port, syslog+tls://host:port or https://host/path; the host must be public unless the operator allows it */
                    url: string;
                };
            };
        };
        responses: {
            /** @description The drain; lines printed from now on are sent */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogDrain"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            default: components["responses"]["Problem"];
        };
    };
    removeLogDrain: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The drain removed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogDrain"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    listRuns: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The runs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    runCommand: {
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
                "application/json": components["schemas"]["RunInput"];
            };
        };
        responses: {
            /** @description The run, pending */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Problem"];
        };
    };
    getRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    cancelRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run, cancelling (or as it ended, if it already had) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    setAutoscaling: {
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
                "application/json": components["schemas"]["AutoscalingInput"];
            };
        };
        responses: {
            /** @description The app, with its rule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["App"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            default: components["responses"]["Problem"];
        };
    };
    removeAutoscaling: {
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
            /** @description The app, scaled by hand */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["App"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    getAppAlerts: {
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
            /** @description The rules */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppAlerts"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    setAppAlerts: {
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
                "application/json": components["schemas"]["AlertRulesInput"];
            };
        };
        responses: {
            /** @description The rules now in force */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppAlerts"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            default: components["responses"]["Problem"];
        };
    };
    listNotifications: {
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
            /** @description The webhooks */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Notification"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    addNotification: {
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
                "application/json": {
                    /** @description An https:// URL; its host must be public unless the operator allows it */
                    url: string;
                    /**
                     * @default json
                     * @enum {string}
                     */
                    format?: "json" | "slack";
                };
            };
        };
        responses: {
            /** @description The webhook, with its signing secret (shown this once) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Notification"] & {
                        secret: string;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            default: components["responses"]["Problem"];
        };
    };
    removeNotification: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The webhook removed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Notification"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    getClusterResources: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                cluster: components["parameters"]["cluster"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The nodes */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClusterResources"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    getBuild: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["buildId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The build */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    cancelBuild: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["parameters"]["buildId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled build */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Problem"];
        };
    };
    getBuildLogs: {
        parameters: {
            query?: {
                /** @description Only lines after this sequence number */
                after?: number;
            };
            header?: never;
            path: {
                id: components["parameters"]["buildId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The lines */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogLine"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    detectSource: {
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
                "application/json": {
                    url: string;
                    ref?: string;
                    subdir?: string | null;
                    buildMode?: components["schemas"]["BuildMode"];
                };
            };
        };
        responses: {
            /** @description The build plan */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BuildPlan"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            429: components["responses"]["TooManyRequests"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
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
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Problem"];
        };
    };
    listTemplates: {
        parameters: {
            query?: {
                /** @description Include this team's own catalogue (a team token: its team) */
                team?: components["schemas"]["TeamName"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The templates */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            default: components["responses"]["Problem"];
        };
    };
    getTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The template */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    getPublishedTemplate: {
        parameters: {
            query?: {
                team?: components["schemas"]["TeamName"];
            };
            header?: never;
            path: {
                owner: components["schemas"]["TeamName"];
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The template */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    publishTemplate: {
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
                "application/json": components["schemas"]["PublishTemplate"] | components["schemas"]["ImportTemplate"];
            };
        };
        responses: {
            /** @description Published */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            default: components["responses"]["Problem"];
        };
    };
    listInstallations: {
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
            /** @description The team's installations */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Installation"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Problem"];
        };
    };
    installTemplate: {
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
                "application/json": components["schemas"]["InstallTemplate"];
            };
        };
        responses: {
            /** @description Installed; the apps converge asynchronously */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Installation"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            default: components["responses"]["Problem"];
        };
    };
    uninstallTemplate: {
        parameters: {
            query?: {
                deleteData?: boolean;
            };
            header?: never;
            path: {
                team: components["parameters"]["team"];
                name: components["schemas"]["AppName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Uninstall recorded */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        installation: components["schemas"]["Installation"];
                        dataKept: boolean;
                        message: string;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Problem"];
        };
    };
    upgradeInstallation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                name: components["schemas"]["AppName"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    version: string;
                };
            };
        };
        responses: {
            /** @description Upgrade recorded */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Installation"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            default: components["responses"]["Problem"];
        };
    };
    addDependency: {
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
                "application/json": {
                    dependsOn: components["schemas"]["AppName"];
                    /** @description Another team's app shared with this team; defaults to this team */
                    dependsOnTeam?: components["schemas"]["TeamName"];
                };
            };
        };
        responses: {
            /** @description The dependent app */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["App"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            default: components["responses"]["Problem"];
        };
    };
    removeDependency: {
        parameters: {
            query?: {
                dependsOnTeam?: components["schemas"]["TeamName"];
            };
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
                dependsOn: components["schemas"]["AppName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The app, no longer depending on it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["App"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Problem"];
        };
    };
    shareApp: {
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
                "application/json": {
                    withTeam: components["schemas"]["TeamName"];
                };
            };
        };
        responses: {
            /** @description The shared app */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["App"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            default: components["responses"]["Problem"];
        };
    };
    unshareApp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                team: components["parameters"]["team"];
                app: components["parameters"]["app"];
                withTeam: components["schemas"]["TeamName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The app, no longer shared with that team */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["App"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Problem"];
        };
    };
}
