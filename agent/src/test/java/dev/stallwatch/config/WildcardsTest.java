package dev.stallwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WildcardsTest {
  @ParameterizedTest
  @CsvSource({
      "*,anything,true", "*,'',true", "a*,abc,true", "*c,abc,true", "a*c,abc,true", "a*c,ac,true",
      "a*b*c,axxbyyc,true", "a*c,abd,false", "abc,abc,true", "abc,abcd,false", "*.Foo,com.acme.Foo,true",
      "com.*.Foo,com.acme.Foo,true", "a**b,ab,true", "a*b,aXbXb,true", "a*b,aXbXc,false"})
  void starMatchesAnyRun(String pattern, String text, boolean matches) {
    assertThat(Wildcards.matches(pattern, text)).isEqualTo(matches);
  }
}
