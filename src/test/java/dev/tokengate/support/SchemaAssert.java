package dev.tokengate.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/** Validates JSON text against a JSON Schema (draft 2020-12) with an independent validator. */
public final class SchemaAssert {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private SchemaAssert() {}

    public static void assertValid(String schemaJson, String instanceJson) {
        var errors = REGISTRY.getSchema(schemaJson, InputFormat.JSON).validate(instanceJson, InputFormat.JSON);
        assertThat(errors).as("%s against %s", instanceJson, schemaJson).isEmpty();
    }
}
