package dev.tokengate.batches;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.files.FileService;
import dev.tokengate.jobs.Job;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Writes an OpenAI batch's result files when its items are done (OAS-old {@code BatchRequestOutput} lines): answers go
 * to the output file as {@code {id, custom_id, response:{status_code:200, request_id, body}, error:null}}; failed items go
 * to the error file with the error's status and body; items that never ran (cancelled or expired) go there with
 * {@code response:null} and an error code. A file is written only when it has lines.
 */
public final class OpenAiResultFiles implements BatchService.Finisher {
    private final FileService files;

    public OpenAiResultFiles(FileService files) {
        this.files = files;
    }

    @Override
    public String[] finish(Batch batch, List<Job> items) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        for (Job item : items) {
            switch (item.status()) {
                case COMPLETED -> append(output, completed(item));
                case FAILED -> append(errors, failed(item));
                case CANCELLED -> append(errors, notRun(item, batch.cancellingAt() != null ? "batch_cancelled" : "batch_expired"));
                case PENDING, ASSIGNED -> { }
            }
        }
        return new String[]{write(batch, "output", output), write(batch, "error", errors)};
    }

    private String write(Batch batch, String kind, ByteArrayOutputStream lines) {
        if (lines.size() == 0) return null;
        return files.write(batch.userId(), batch.id() + "_" + kind + ".jsonl", FileService.BATCH_OUTPUT, lines.toByteArray(), null).id();
    }

    private static ObjectNode completed(Job item) {
        ObjectNode line = line(item);
        ObjectNode response = line.putObject("response");
        response.put("status_code", 200);
        response.put("request_id", requestId(item));
        JsonNode body = Json.parseOrNull(item.outcome().response());
        response.set("body", body == null ? Json.object() : body);
        line.putNull("error");
        return line;
    }

    private static ObjectNode failed(Job item) {
        Job.Outcome o = item.outcome();
        int status = o == null || o.errorStatus() == null ? 500 : o.errorStatus();
        ObjectNode line = line(item);
        ObjectNode response = line.putObject("response");
        response.put("status_code", status);
        response.put("request_id", requestId(item));
        ObjectNode error = response.putObject("body").putObject("error");
        error.put("message", o == null || o.error() == null ? "The request failed." : o.error());
        error.put("type", typeOf(status));
        error.putNull("param");
        if (o == null || o.errorCode() == null) error.putNull("code");
        else error.put("code", o.errorCode());
        line.putNull("error");
        return line;
    }

    private static ObjectNode notRun(Job item, String code) {
        ObjectNode line = line(item);
        line.putNull("response");
        ObjectNode error = line.putObject("error");
        error.put("code", code);
        error.put("message", code.equals("batch_expired") ? "This request could not be executed before the completion window expired."
                : "This request was not executed because the batch was cancelled.");
        return line;
    }

    private static ObjectNode line(Job item) {
        ObjectNode line = Json.object();
        line.put("id", "batch_req_" + hex(item.id()));
        line.put("custom_id", item.customId());
        return line;
    }

    private static String requestId(Job item) {
        return "req_" + hex(item.id() + "#" + item.attempts());
    }

    private static String hex(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }

    private static String typeOf(int status) {
        for (ErrorKind k : ErrorKind.values()) {
            if (k.status() == status) return k.type();
        }
        return status < 500 ? "invalid_request_error" : "server_error";
    }

    private static void append(ByteArrayOutputStream out, ObjectNode line) {
        out.writeBytes(Json.bytes(line));
        out.write('\n');
    }
}
