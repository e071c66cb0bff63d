package dev.tokengate.app;

import dev.tokengate.accounts.AccountStore;
import dev.tokengate.batches.BatchStore;
import dev.tokengate.billing.LedgerStore;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.files.FileStore;
import dev.tokengate.jobs.JobSignals;
import dev.tokengate.jobs.JobStore;
import dev.tokengate.responses.ResponseStore;
import dev.tokengate.store.jdbc.Database;
import dev.tokengate.store.jdbc.Dialect;
import dev.tokengate.store.jdbc.JdbcAccountStore;
import dev.tokengate.store.jdbc.JdbcBatchStore;
import dev.tokengate.store.jdbc.JdbcFileStore;
import dev.tokengate.store.jdbc.JdbcJobStore;
import dev.tokengate.store.jdbc.JdbcLedgerStore;
import dev.tokengate.store.jdbc.JdbcResponseStore;
import dev.tokengate.store.jdbc.PgJobSignals;
import dev.tokengate.store.memory.MemoryAccountStore;
import dev.tokengate.store.memory.MemoryBatchStore;
import dev.tokengate.store.memory.MemoryFileStore;
import dev.tokengate.store.memory.MemoryJobStore;
import dev.tokengate.store.memory.MemoryLedgerStore;
import dev.tokengate.store.memory.MemoryResponseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The storage ports for the configured backend: in-memory, SQLite (the default) or PostgreSQL. */
final class Storage implements AutoCloseable {
    final AccountStore accounts;
    final JobStore jobs;
    final BatchStore batches;
    final FileStore files;
    final ResponseStore responses;
    final JobSignals signals;
    final LedgerStore ledger;
    private final Database database;

    private Storage(AccountStore accounts, JobStore jobs, BatchStore batches, FileStore files, ResponseStore responses,
                    JobSignals signals, LedgerStore ledger,
                    Database database) {
        this.accounts = accounts;
        this.jobs = jobs;
        this.batches = batches;
        this.files = files;
        this.responses = responses;
        this.signals = signals;
        this.ledger = ledger;
        this.database = database;
    }

    static Storage open(GatewayConfig.Storage cfg, int poolSize) {
        if (cfg.inMemory()) {
            MemoryJobStore jobs = new MemoryJobStore();
            return new Storage(new MemoryAccountStore(), jobs, new MemoryBatchStore(jobs), new MemoryFileStore(),
                    new MemoryResponseStore(), JobSignals.LOCAL, new MemoryLedgerStore(), null);
        }
        String url = cfg.dbUrl();
        if (url == null) {
            try {
                Files.createDirectories(cfg.dataDir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create data dir " + cfg.dataDir(), e);
            }
            url = "jdbc:sqlite:" + cfg.dataDir().resolve("tokengate.db");
        }
        Database db = Database.open(url, poolSize);
        JobSignals signals = db.dialect() == Dialect.POSTGRESQL ? new PgJobSignals(db, url) : JobSignals.LOCAL;
        JdbcJobStore jobs = new JdbcJobStore(db);
        // a group commit sends the NOTIFY of the jobs it ended in its own transaction (no round trip nor commit of its own)
        if (db.dialect() == Dialect.POSTGRESQL) jobs.announceEnds();
        return new Storage(new JdbcAccountStore(db), jobs, new JdbcBatchStore(db), new JdbcFileStore(db),
                new JdbcResponseStore(db), signals, new JdbcLedgerStore(db), db);
    }

    /** True when no other instance can share this store (SQLite file, memory). */
    boolean soleInstance() {
        return database == null || database.dialect() == Dialect.SQLITE;
    }

    boolean reachable() {
        return database == null || database.reachable();
    }

    String describe() {
        return database == null ? "in-memory" : database.dialect().name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void close() {
        ledger.close();
        if (jobs instanceof JdbcJobStore j) j.close();
        if (database != null) database.close();
    }
}
