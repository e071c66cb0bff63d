package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;
import com.openai.models.responses.inputitems.InputItemListPage;
import dev.tokengate.support.Sdk;
import dev.tokengate.support.TestGateway;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Responses API through the official openai-java SDK: create, stream, retrieve, delete, input items. */
class ResponsesSdkTest {
    private static TestGateway gw;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        client = Sdk.client(gw, gw.createUserKey("responder", "user_pro"));
    }

    @AfterAll
    static void stop() {
        client.close();
        gw.close();
    }

    private static ResponseCreateParams.Builder ask(String text) {
        return ResponseCreateParams.builder().model("gpt-4o").input(text);
    }

    @Test
    void plainCreateReturnsACompletedResponseWithOneTextMessage() {
        Response r = client.responses().create(ask("Say hello through the Responses API.").build()).validate();

        assertThat(r.id()).startsWith("resp_");
        assertThat(r.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(ResponsesText.model(r)).isEqualTo("gpt-4o");
        assertThat(r.output()).singleElement().satisfies(item -> {
            assertThat(item.message()).isPresent();
            assertThat(item.asMessage().id()).startsWith("msg_");
        });
        assertThat(ResponsesText.of(r)).contains("simulated").contains("Say hello through the Responses API.");
        assertThat(r.completedAt()).isPresent();
        assertThat(r.error()).isEmpty();
        assertThat(r.incompleteDetails()).isEmpty();
        assertThat(r._additionalProperties().get("store").asBoolean()).hasValue(true);
        assertThat(r.parallelToolCalls()).isTrue();
        assertThat(r.tools()).isEmpty();
        ResponseUsage u = r.usage().orElseThrow();
        assertThat(u.inputTokens()).isPositive();
        assertThat(u.outputTokens()).isPositive();
        assertThat(u.totalTokens()).isEqualTo(u.inputTokens() + u.outputTokens());
        assertThat(u.outputTokensDetails().reasoningTokens()).isZero();
    }

    @Test
    void instructionsAreEchoedAndSentToTheModel() {
        Response without = client.responses().create(ask("Count my tokens.").build()).validate();
        Response with = client.responses().create(ask("Count my tokens.")
                .instructions("You are a terse assistant that answers in one short sentence.").build()).validate();

        assertThat(with.instructions().orElseThrow().asString()).isEqualTo("You are a terse assistant that answers in one short sentence.");
        assertThat(without.instructions()).isEmpty();
        assertThat(with.usage().orElseThrow().inputTokens()).isGreaterThan(without.usage().orElseThrow().inputTokens());
    }

    @Test
    void settingsAreEchoedBack() {
        Response r = client.responses().create(ask("Echo my settings.").temperature(0.25).topP(0.5).maxOutputTokens(300)
                .user("user-42").parallelToolCalls(false)
                .metadata(ResponseCreateParams.Metadata.builder().putAdditionalProperty("order", com.openai.core.JsonValue.from("A-1")).build())
                .build()).validate();

        assertThat(r.temperature()).hasValue(0.25);
        assertThat(r.topP()).hasValue(0.5);
        assertThat(r.maxOutputTokens()).hasValue(300L);
        assertThat(r.user()).hasValue("user-42");
        assertThat(r.parallelToolCalls()).isFalse();
        assertThat(r.metadata().orElseThrow()._additionalProperties().get("order").asString()).hasValue("A-1");
    }

    @Test
    void maxOutputTokensCutsTheAnswerAndMarksItIncomplete() {
        Response r = client.responses().create(ask("Tell me a long story, please.").maxOutputTokens(16).build()).validate();

        assertThat(r.status()).hasValue(ResponseStatus.INCOMPLETE);
        assertThat(r.incompleteDetails().orElseThrow().reason()).hasValue(Response.IncompleteDetails.Reason.MAX_OUTPUT_TOKENS);
        assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(16);
        assertThat(r.completedAt()).isEmpty();
    }

    @Test
    void streamedTextAssemblesToThePlainAnswerAndEndsWithCompleted() {
        String plain = ResponsesText.of(client.responses().create(ask("Stream the same words.").build()));

        List<ResponseStreamEvent> events;
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ask("Stream the same words.").build())) {
            events = s.stream().map(ResponseStreamEvent::validate).toList();
        }

        assertThat(events.get(0).isCreated()).isTrue();
        assertThat(events.get(1).isInProgress()).isTrue();
        assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
        StringBuilder deltas = new StringBuilder();
        events.stream().filter(ResponseStreamEvent::isOutputTextDelta).forEach(e -> deltas.append(e.asOutputTextDelta().delta()));
        assertThat(deltas.toString()).isEqualTo(plain);
        assertThat(events.stream().filter(ResponseStreamEvent::isOutputTextDone).map(e -> e.asOutputTextDone().text())).containsExactly(plain);
        Response completed = events.get(events.size() - 1).asCompleted().response();
        assertThat(ResponsesText.of(completed)).isEqualTo(plain);
        assertThat(completed.usage().orElseThrow().outputTokens()).isPositive();
        Response created = events.get(0).asCreated().response();
        assertThat(created.id()).isEqualTo(completed.id());
        assertThat(created.status()).hasValue(ResponseStatus.IN_PROGRESS);
        assertThat(created.output()).isEmpty();
    }

    @Test
    void streamedResponseIsStoredAndRetrievable() {
        Response completed;
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ask("Keep this streamed answer.").build())) {
            completed = s.stream().filter(ResponseStreamEvent::isCompleted).findFirst().orElseThrow().asCompleted().response();
        }

        Response stored = client.responses().retrieve(completed.id()).validate();

        assertThat(stored).isEqualTo(completed);
    }

    @Test
    void retrieveReturnsTheResponseAsCreated() {
        Response created = client.responses().create(ask("Remember this answer.").build());

        Response retrieved = client.responses().retrieve(created.id()).validate();

        assertThat(retrieved).isEqualTo(created);
    }

    @Test
    void deletedResponseIsGone() {
        Response created = client.responses().create(ask("Forget this answer.").build());

        client.responses().delete(created.id());

        assertThatThrownBy(() -> client.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.responses().delete(created.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void responseCreatedWithStoreFalseCannotBeRetrieved() {
        Response created = client.responses().create(ask("Do not keep this.").store(false).build()).validate();

        assertThat(created._additionalProperties().get("store").asBoolean()).hasValue(false);
        assertThatThrownBy(() -> client.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void inputItemsListTheUserMessageWithAnId() {
        Response created = client.responses().create(ask("List my input.").instructions("Not an input item.").build());

        InputItemListPage page = client.responses().inputItems().list(created.id());

        List<ResponseItem> items = page.items();
        assertThat(items).singleElement().satisfies(item -> {
            item.validate();
            assertThat(item.isResponseInputMessageItem()).isTrue();
            var message = item.asResponseInputMessageItem();
            assertThat(message.id()).startsWith("msg_");
            assertThat(message.content()).singleElement().satisfies(c -> assertThat(c.asInputText().text()).isEqualTo("List my input."));
        });
        assertThat(page.hasNextPage()).isFalse();
    }

    @Test
    void secondTurnWithPreviousResponseIdListsTheWholeConversation() {
        Response first = client.responses().create(ask("My name is Ada.").build());
        Response second = client.responses().create(ask("What is my name?").previousResponseId(first.id()).build()).validate();

        assertThat(second.previousResponseId()).hasValue(first.id());
        assertThat(second.usage().orElseThrow().inputTokens()).isGreaterThan(first.usage().orElseThrow().inputTokens());
        List<ResponseItem> items = client.responses().inputItems().list(second.id(),
                com.openai.models.responses.inputitems.InputItemListParams.builder()
                        .order(com.openai.models.responses.inputitems.InputItemListParams.Order.ASC).build()).items();
        items.forEach(ResponseItem::validate);
        assertThat(items).hasSize(3);
        assertThat(items.get(0).asResponseInputMessageItem().content().get(0).asInputText().text()).isEqualTo("My name is Ada.");
        assertThat(items.get(1).asResponseOutputMessage().id()).isEqualTo(first.output().get(0).asMessage().id());
        assertThat(items.get(2).asResponseInputMessageItem().content().get(0).asInputText().text()).isEqualTo("What is my name?");
    }
}
