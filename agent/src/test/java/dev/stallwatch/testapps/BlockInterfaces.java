package dev.stallwatch.testapps;

import java.util.List;

/**
 * The pattern {@code BlockRewriter#rewrite} names an interface; classes implementing it directly or through an
 * abstract class are block classes, a class with a {@code rewrite} method of its own is not.
 */
public final class BlockInterfaces {
  public static void main(String[] args) {
    List<BlockRewriter> rewriters = List.of(new BlockShoutingRewriter(), new BlockTrimmingRewriter());
    String text = " hello ";
    for (BlockRewriter rewriter : rewriters) {
      text = rewriter.rewrite(text);
    }
    text = new BlockUnrelatedRewriter().rewrite(text);
    System.out.println("rewritten '" + text + "'");
  }
}

interface BlockRewriter {
  String rewrite(String text);
}

final class BlockShoutingRewriter implements BlockRewriter {
  @Override
  public String rewrite(String text) {
    return text.toUpperCase();
  }
}

abstract class BlockBaseRewriter implements BlockRewriter {
  abstract String name();
}

final class BlockTrimmingRewriter extends BlockBaseRewriter {
  @Override
  public String rewrite(String text) {
    return text.strip();
  }

  @Override
  String name() {
    return "trim";
  }
}

final class BlockUnrelatedRewriter {
  String rewrite(String text) {
    return text + "!";
  }
}
