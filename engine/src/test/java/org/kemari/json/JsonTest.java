package org.kemari.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void escapesEverythingJsonRequires() {
        assertThat(Json.quote("a\"b\\c\nd\te\u0001f\u2028")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0001f\\u2028\"");
        assertThat(Json.quote("dom0-ä:8102")).isEqualTo("\"dom0-ä:8102\"");
    }

    @Test
    void objectsKeepFieldOrderAndNest() {
        String inner = new Json().field("n", 1).toString();
        assertThat(new Json().field("s", "x").field("b", true).field("nil", (String) null).raw("o", inner)
                .raw("a", Json.array(List.of("1", "\"two\""))).toString())
                .isEqualTo("{\"s\":\"x\",\"b\":true,\"nil\":null,\"o\":{\"n\":1},\"a\":[1,\"two\"]}");
        assertThat(new Json().toString()).isEqualTo("{}");
    }
}
