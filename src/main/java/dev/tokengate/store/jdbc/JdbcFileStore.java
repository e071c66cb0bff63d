package dev.tokengate.store.jdbc;

import dev.tokengate.files.FileStore;
import dev.tokengate.files.StoredFile;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Files with their content in the database (BLOB on SQLite, BYTEA on PostgreSQL), so every instance serves them. */
public final class JdbcFileStore implements FileStore {
    private final Sql sql;
    private final FileSql q;

    public JdbcFileStore(Database db) {
        this.sql = new Sql(db.dataSource());
        this.q = FileSql.of(db.dialect());
    }

    @Override
    public void create(StoredFile f, byte[] content) {
        sql.update(q.insert(), f.id(), f.userId(), f.purpose(), f.filename(), f.bytes(), f.createdAt(), f.expiresAt(), content);
    }

    @Override
    public Optional<StoredFile> find(String id) {
        return sql.one(q.find(), JdbcFileStore::file, id);
    }

    @Override
    public List<StoredFile> list(String userId, String purpose, String after, int limit, boolean ascending, long now) {
        return sql.list(ascending ? q.listAsc() : q.listDesc(), JdbcFileStore::file, userId, purpose, purpose, now, after, after,
                userId, limit);
    }

    @Override
    public Optional<byte[]> content(String id) {
        return sql.one(q.content(), rs -> rs.getBytes("content"), id);
    }

    @Override
    public boolean delete(String id) {
        return sql.update(q.delete(), id) == 1;
    }

    private static StoredFile file(ResultSet rs) throws SQLException {
        return new StoredFile(rs.getString("id"), rs.getString("user_id"), rs.getString("purpose"), rs.getString("filename"),
                rs.getLong("bytes"), rs.getLong("created_at"), Sql.nullableLong(rs, "expires_at"));
    }
}
