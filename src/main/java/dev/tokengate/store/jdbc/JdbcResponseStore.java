package dev.tokengate.store.jdbc;

import dev.tokengate.responses.ResponseStore;
import dev.tokengate.responses.StoredResponse;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

public final class JdbcResponseStore implements ResponseStore {
    private final Sql sql;
    private final ResponseSql q;

    public JdbcResponseStore(Database db) {
        this.sql = new Sql(db.dataSource());
        this.q = ResponseSql.of(db.dialect());
    }

    @Override
    public void save(StoredResponse r) {
        sql.update(q.insert(), r.id(), r.userId(), r.createdAt(), r.response(), r.inputItems());
    }

    @Override
    public Optional<StoredResponse> find(String userId, String id) {
        return sql.one(q.find(), JdbcResponseStore::response, id, userId);
    }

    @Override
    public boolean delete(String userId, String id) {
        return sql.update(q.delete(), id, userId) == 1;
    }

    private static StoredResponse response(ResultSet rs) throws SQLException {
        return new StoredResponse(rs.getString("id"), rs.getString("user_id"), rs.getLong("created_at"),
                rs.getString("response"), rs.getString("input_items"));
    }
}
