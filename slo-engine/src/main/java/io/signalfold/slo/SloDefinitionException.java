package io.signalfold.slo;

import java.util.List;
import java.util.stream.Collectors;

/**
 * SLO definitions that cannot be used. Each {@link Problem} names the file, the line and column,
 * and the field (a path such as {@code spec.objectives[0].target}); the message lists them all, one
 * per line.
 */
public final class SloDefinitionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** One thing wrong with a definition. */
  public record Problem(String file, int line, int column, String field, String message) {
    @Override
    public String toString() {
      return file + ":" + line + ":" + column + ": " + field + ": " + message;
    }
  }

  private final transient List<Problem> problems;

  public SloDefinitionException(List<Problem> problems) {
    super(
        problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + " in SLO definitions:\n"
            + problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
