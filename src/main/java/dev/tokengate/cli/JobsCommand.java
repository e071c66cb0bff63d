package dev.tokengate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tokengate jobs get ID}: a job of the job API. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "Look at jobs of the job API.",
        subcommands = {JobsCommand.Get.class})
final class JobsCommand extends GroupCommand {

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a job: status, model, attempts, result or error.")
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "JOB_ID", description = "The job id.")
        String jobId;

        @Option(names = "--json", description = "Print the job as JSON.")
        boolean json;

        @Override
        void run() {
            JsonNode job = client().get("/api/v1/jobs/" + KeysCommand.segment(jobId)).path("data");
            if (json) {
                out().println(Output.pretty(job));
                return;
            }
            out().println("job:          " + job.path("job_id").asText());
            out().println("status:       " + job.path("status").asText());
            out().println("model:        " + Output.text(job.path("model")));
            out().println("created_at:   " + Output.time(job.path("created_at")));
            out().println("completed_at: " + Output.time(job.path("completed_at")));
            out().println("attempts:     " + job.path("attempts").asInt());
            JsonNode callback = job.path("callback");
            if (callback.isObject()) {
                out().println("callback:     " + callback.path("state").asText() + " after " + callback.path("attempts").asInt() + " attempt(s)"
                        + (callback.path("last_status_code").isNull() ? "" : ", last status " + callback.path("last_status_code").asInt()));
            }
            if (job.path("error").isTextual()) out().println("error:        " + job.path("error").asText());
            if (job.path("result").isObject()) {
                out().println("result:");
                out().println(job.path("result").path("response_message").asText());
            }
        }
    }
}
