package dev.stallwatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesWhatAStrictParserReadsBack() throws Exception {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("text", "quote \" backslash \\ newline \n tab \t bell \u0007 unicode é");
    map.put("number", 42L);
    map.put("flag", true);
    map.put("nothing", null);
    map.put("list", List.of("a", 1, Map.of("k", "v")));

    String json = Json.write(map);
    JsonNode back = new ObjectMapper().readTree(json);

    assertThat(json).doesNotContain("\n");
    assertThat(back.get("text").asText()).isEqualTo(map.get("text"));
    assertThat(back.get("number").asLong()).isEqualTo(42);
    assertThat(back.get("flag").asBoolean()).isTrue();
    assertThat(back.get("nothing").isNull()).isTrue();
    assertThat(back.get("list").get(2).get("k").asText()).isEqualTo("v");
    assertThat(json).startsWith("{\"text\":");
  }
}
