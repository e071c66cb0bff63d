package dev.tokengate.store.jdbc;

import dev.tokengate.accounts.AccountStore;
import dev.tokengate.accounts.ApiKey;
import dev.tokengate.accounts.User;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public final class JdbcAccountStore implements AccountStore {
    private final Sql sql;
    private final AccountSql q;

    public JdbcAccountStore(Database db) {
        this.sql = new Sql(db.dataSource());
        this.q = AccountSql.of(db.dialect());
    }

    @Override
    public void createUser(User u) {
        sql.update(q.insertUser(), u.id(), u.name(), u.tier(), u.createdAt().toEpochMilli());
    }

    @Override
    public Optional<User> findUser(String id) {
        return sql.one(q.findUser(), JdbcAccountStore::user, id);
    }

    @Override
    public List<User> listUsers() {
        return sql.list(q.listUsers(), JdbcAccountStore::user);
    }

    @Override
    public void createKey(ApiKey k) {
        sql.update(q.insertKey(), k.id(), k.userId(), k.name(), k.prefix(), k.hash(), k.createdAt().toEpochMilli(),
                k.revokedAt() == null ? null : k.revokedAt().toEpochMilli());
    }

    @Override
    public List<ApiKey> listKeys(String userId) {
        return sql.list(q.listKeys(), JdbcAccountStore::key, userId);
    }

    @Override
    public Optional<ApiKey> findKeyByHash(String hash) {
        return sql.one(q.findKeyByHash(), JdbcAccountStore::key, hash);
    }

    @Override
    public boolean revokeKey(String userId, String keyId, Instant at) {
        return sql.update(q.revokeKey(), at.toEpochMilli(), keyId, userId) == 1;
    }

    @Override
    public String callbackSecret(String userId, String candidate) {
        sql.update(q.insertSecret(), userId, candidate);
        return sql.one(q.findSecret(), rs -> rs.getString(1), userId).orElseThrow();
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(rs.getString("id"), rs.getString("name"), rs.getString("tier"), Instant.ofEpochMilli(rs.getLong("created_at")));
    }

    private static ApiKey key(ResultSet rs) throws SQLException {
        Long revoked = Sql.nullableLong(rs, "revoked_at");
        return new ApiKey(rs.getString("id"), rs.getString("user_id"), rs.getString("name"), rs.getString("prefix"),
                rs.getString("key_hash"), Instant.ofEpochMilli(rs.getLong("created_at")),
                revoked == null ? null : Instant.ofEpochMilli(revoked));
    }
}
