package dev.tokengate.app;

import dev.tokengate.accounts.AccountService;
import dev.tokengate.accounts.Authenticator;
import dev.tokengate.accounts.User;
import dev.tokengate.batches.AnthropicBatches;
import dev.tokengate.batches.BatchFactory;
import dev.tokengate.batches.BatchService;
import dev.tokengate.batches.OpenAiBatches;
import dev.tokengate.batches.OpenAiResultFiles;
import dev.tokengate.files.FileService;
import dev.tokengate.cache.ImageVault;
import dev.tokengate.pipeline.Attempts;
import dev.tokengate.pipeline.DeploymentHealth;
import dev.tokengate.pipeline.MediaService;
import dev.tokengate.pipeline.ResponseCaching;
import dev.tokengate.provider.local.LocalEmbeddingProvider;
import dev.tokengate.provider.simulated.SimulatedImageProvider;
import dev.tokengate.callbacks.CallbackSender;
import dev.tokengate.jobs.JobCallbacks;
import dev.tokengate.jobs.JobEngine;
import dev.tokengate.jobs.JobRunner;
import dev.tokengate.jobs.JobSlots;
import dev.tokengate.jobs.JobService;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.Json;
import dev.tokengate.core.Provider;
import dev.tokengate.http.HttpApi;
import dev.tokengate.http.RequestAuth;
import dev.tokengate.logging.Redactor;
import dev.tokengate.metrics.Metrics;
import dev.tokengate.pipeline.ChatService;
import dev.tokengate.pipeline.ModelCatalog;
import dev.tokengate.provider.anthropic.AnthropicProvider;
import dev.tokengate.responses.ResponseService;
import dev.tokengate.provider.openai.OpenAiProvider;
import dev.tokengate.provider.simulated.SimulatedProvider;
import dev.tokengate.schema.JsonSchemas;
import dev.tokengate.tokens.Tokenizer;
import dev.tokengate.tracing.Tracing;
import dev.tokengate.wire.openai.ResponseIds;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The composition root: builds every component from the configuration and starts the HTTP servers. No logic. */
public final class Gateway implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Gateway.class);
    /** The file in the data dir that holds the admin key when TOKENGATE_ADMIN_KEY is unset. */
    public static final String ADMIN_KEY_FILE = AdminKeyFile.NAME;

    private final Vertx vertx;
    private final Storage storage;
    private final JobEngine engine;
    private final AccountingSetup accounting;
    private final Tracing tracing;
    private final int port;
    private final String adminKey;
    private final boolean adminKeyCreated;
    private final String storageName;
    private final String transportName;
    private final HttpApi.Deps deps;
    private final java.util.concurrent.atomic.AtomicBoolean closed;

    private Gateway(Vertx vertx, Storage storage, JobEngine engine, AccountingSetup accounting, Tracing tracing, int port,
                    String adminKey, boolean adminKeyCreated, HttpApi.Deps deps, String transportName,
                    java.util.concurrent.atomic.AtomicBoolean closed) {
        this.closed = closed;
        this.vertx = vertx;
        this.tracing = tracing;
        this.deps = deps;
        this.storage = storage;
        this.engine = engine;
        this.accounting = accounting;
        this.port = port;
        this.adminKey = adminKey;
        this.adminKeyCreated = adminKeyCreated;
        this.storageName = storage.describe();
        this.transportName = transportName;
    }

    public static Gateway start(GatewayConfig config, Map<String, String> env) {
        return start(config, env, InstantSource.system());
    }

    static {
        VertxTuning.apply();
    }

    public static Gateway start(GatewayConfig config, Map<String, String> env, InstantSource clock) {
        int loops = config.server().eventLoops() > 0 ? config.server().eventLoops() : Runtime.getRuntime().availableProcessors();
        // the database (connection pool, Flyway's check and migrations: about a third of start-up) opens on its own
        // thread while Vert.x and everything that does not need it are built here
        CompletableFuture<Storage> opening = new CompletableFuture<>();
        Thread.ofPlatform().name("tokengate-storage-open").start(() -> {
            try {
                opening.complete(Storage.open(config.storage(), 16));
            } catch (Throwable e) {
                opening.completeExceptionally(e);
            }
        });
        io.vertx.core.transport.Transport transport = NetTransport.choose(config.server().transport());
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(loops)).withTransport(transport).build();
        var closed = new java.util.concurrent.atomic.AtomicBoolean();
        EventLoopWatch loopWatch = EventLoopWatch.start(vertx, closed::get);
        Storage storage = null;
        AccountingSetup accounting = null;
        Tracing tracing = Tracing.OFF;
        try {
            tracing = Tracing.create(config.tracing());
            Metrics metrics = new Metrics();
            ModelCatalog catalog = new ModelCatalog(config.models(), env, config.jobs().maxConcurrencyPerDeployment());
            OpenAiProvider openai = new OpenAiProvider(vertx, config.upstream(), tracing);
            Map<String, Provider> providers = Map.of(
                    "simulated", new SimulatedProvider(vertx, clock, config.simulated()),
                    "openai", openai,
                    "anthropic", new AnthropicProvider(vertx, config.upstream(), clock, tracing));
            var routing = config.routing();
            Attempts attempts = new Attempts(vertx, new DeploymentHealth(clock, routing.breakerFailures(), routing.breakerOpenSeconds() * 1000L),
                    metrics, new Attempts.Policy(routing.maxRetries(), routing.baseDelayMs(), routing.maxDelayMs()), tracing);
            storage = join(opening);
            AdminKeyFile.Result admin = config.adminKey() != null ? new AdminKeyFile.Result(config.adminKey(), false)
                    : AdminKeyFile.loadOrCreate(config.storage().dataDir());
            registerSecrets(config, env, admin.key());
            Authenticator authenticator = new Authenticator(vertx, storage.accounts, clock, admin.key());
            AccountService accounts = new AccountService(storage.accounts, authenticator, clock, config.tiers().keySet());
            User adminUser = accounts.ensureAdminUser();
            accounting = AccountingSetup.open(vertx, config, storage, clock);
            MediaService media = new MediaService(vertx, catalog,
                    Map.of("local", new LocalEmbeddingProvider(vertx), "openai", openai),
                    Map.of("simulated", new SimulatedImageProvider(vertx), "openai", openai), attempts, accounting.accounting());
            ChatService chat = new ChatService(catalog, providers, config.tiers(), attempts, accounting.accounting());
            ResponseCaching caching = new ResponseCaching(chat, accounting.responseCache(), accounting.accounting(), config.billing());
            CallbackSender callbacks = new CallbackSender(vertx, config.callbacks(), clock);
            JobEngine engine = new JobEngine(vertx, storage.jobs, new JobRunner(chat, caching),
                    storage.signals, clock, new UserDirectory(vertx, storage.accounts)::find, config.jobs(), tracing,
                    new JobSlots(catalog));
            JobCallbacks jobCallbacks = new JobCallbacks(vertx, storage.jobs, storage.accounts, callbacks, clock);
            jobCallbacks.attach(engine);
            JobService jobs = new JobService(vertx, engine, catalog, config.tiers(), callbacks.guard(), clock);
            BatchService batches = new BatchService(vertx, storage.batches, engine, storage.accounts, callbacks, clock);
            BatchFactory batchFactory = new BatchFactory(catalog, config.tiers(), config.batches(), clock);
            FileService files = new FileService(vertx, storage.files, clock, config.batches().maxFileBytes());
            batches.registerFinisher(OpenAiBatches.API, new OpenAiResultFiles(files));
            OpenAiBatches openAiBatches = new OpenAiBatches(vertx, batches, batchFactory, files);
            Storage s = storage;
            HttpApi.Deps deps = new HttpApi.Deps(config, chat, catalog, accounts, new RequestAuth(authenticator, adminUser),
                    metrics, s::reachable, clock.instant().getEpochSecond(), jobs, storage.accounts, batches, batchFactory,
                    media, new ImageVault(clock), attempts.health(), accounting.balances(), files, openAiBatches,
                    new ResponseService(vertx, storage.responses, clock, ResponseIds.random()),
                    new AnthropicBatches(batches, batchFactory), caching, tracing, loopWatch::allRunning);
            engine.start(storage.soleInstance());
            batches.start();
            jobCallbacks.resumePending();
            int port = deployServers(vertx, deps, config.server().host(), config.server().port(), loops);
            // after the servers: on two cores it would take CPU from their start-up, and /ready needs no tokenizer
            warmUp();
            return new Gateway(vertx, storage, engine, accounting, tracing, port, admin.key(), admin.created(), deps,
                    NetTransport.describe(transport), closed);
        } catch (RuntimeException e) {
            tracing.close();
            if (accounting != null) accounting.close();
            if (storage != null) storage.close();
            else opening.thenAccept(Storage::close);
            vertx.close();
            throw e;
        }
    }

    /** The secrets the log redactor masks by value, beyond the key formats it recognises by shape. */
    private static void registerSecrets(GatewayConfig config, Map<String, String> env, String adminKey) {
        Redactor.register(adminKey);
        for (GatewayConfig.Model m : config.models()) {
            for (var d : m.deployments()) {
                if (d.apiKeyEnv() != null) Redactor.register(env.get(d.apiKeyEnv()));
            }
        }
    }

    /**
     * Loads the tokenizer's tables and the JSON Schema meta-schema in the background as soon as we start, so start-up
     * stays fast and the first requests do not pay for them on an event loop.
     */
    private static void warmUp() {
        Thread.ofVirtual().name("tokengate-warm-up").start(() -> {
            Tokenizer.count("warm up");
            JsonSchemas.problemsWithSchema(Json.object().put("type", "object"));
        });
    }

    private static int deployServers(Vertx vertx, HttpApi.Deps deps, String host, int port, int instances) {
        // every instance must ask for the same concrete port to share one listening socket
        int actual = port == 0 ? freePort(host) : port;
        // all at once: each builds its router on its own event loop, in parallel
        List<Future<String>> deployed = new java.util.ArrayList<>();
        for (int i = 0; i < instances; i++) deployed.add(vertx.deployVerticle(new HttpVerticle(deps, host, actual), new DeploymentOptions()));
        await(Future.all(deployed));
        return actual;
    }

    private static int freePort(String host) {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** How long closing waits for Vert.x: a stopped event loop never finishes its part (its connections, a server). */
    private static final long VERTX_CLOSE_SECONDS = 10;

    /** Closes Vert.x, waiting a bounded time, so that the ledger is written and storage closed whatever the loops do. */
    private void closeVertx() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(VERTX_CLOSE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.error("Vert.x did not close within {} s (a stopped event loop?); writing the ledger and closing storage anyway",
                    VERTX_CLOSE_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("closing Vert.x failed: {}", e.getCause().toString());
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            throw new IllegalStateException(c);
        }
    }

    public int port() { return port; }

    public String adminKey() { return adminKey; }

    public boolean adminKeyCreated() { return adminKeyCreated; }

    public String storageName() { return storageName; }

    /** The network transport the event loops run on: io_uring, epoll or nio. */
    public String transportName() { return transportName; }

    public Vertx vertx() { return vertx; }

    /** Every endpoint the served router mounts, as {@code "METHOD /path/{param}"}. */
    public List<String> endpoints() {
        return HttpApi.endpoints(HttpApi.router(vertx, deps));
    }

    @Override
    public void close() {
        // serve closes from a shutdown hook; whoever else closed it first wins
        if (!closed.compareAndSet(false, true)) return;
        engine.stop();
        // its sweep timer would otherwise fire while Vert.x closes and hand work to a worker pool that is shutting down
        deps.batches().stop();
        closeVertx();
        accounting.close();
        storage.close();
        // last, so the spans of everything that ended while closing are exported too
        tracing.close();
    }
}
