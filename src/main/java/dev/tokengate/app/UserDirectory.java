package dev.tokengate.app;

import dev.tokengate.accounts.AccountStore;
import dev.tokengate.accounts.User;
import dev.tokengate.core.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.ConcurrentHashMap;

/** Users by id for the job workers, cached: a job's owner does not change while it runs. */
final class UserDirectory {
    private final Vertx vertx;
    private final AccountStore store;
    private final ConcurrentHashMap<String, User> cache = new ConcurrentHashMap<>();

    UserDirectory(Vertx vertx, AccountStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    Future<User> find(String id) {
        User u = cache.get(id);
        if (u != null) return Future.succeededFuture(u);
        return vertx.executeBlocking(() -> store.findUser(id).orElseThrow(() -> ApiException.forbidden("The job's user no longer exists.")), false)
                .onSuccess(found -> {
                    if (cache.size() > 50_000) cache.clear();
                    cache.put(id, found);
                });
    }
}
