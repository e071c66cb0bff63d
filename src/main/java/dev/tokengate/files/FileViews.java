package dev.tokengate.files;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.Json;

/** OpenAI's wire shapes for files: the File object (every required key, times in unix seconds) and the list. */
public final class FileViews {
    private FileViews() {}

    public static ObjectNode file(StoredFile f) {
        ObjectNode o = Json.object();
        o.put("id", f.id());
        o.put("object", "file");
        o.put("bytes", f.bytes());
        o.put("created_at", f.createdAt() / 1000);
        if (f.expiresAt() == null) o.putNull("expires_at");
        else o.put("expires_at", f.expiresAt() / 1000);
        o.put("filename", f.filename());
        o.put("purpose", f.purpose());
        o.put("status", "processed");
        o.putNull("status_details");
        return o;
    }

    public static ObjectNode list(FileService.Page page) {
        ObjectNode o = Json.object();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        page.files().forEach(f -> data.add(file(f)));
        if (page.files().isEmpty()) {
            o.putNull("first_id");
            o.putNull("last_id");
        } else {
            o.put("first_id", page.files().get(0).id());
            o.put("last_id", page.files().get(page.files().size() - 1).id());
        }
        o.put("has_more", page.hasMore());
        return o;
    }

    public static ObjectNode deleted(String id) {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("object", "file");
        o.put("deleted", true);
        return o;
    }
}
