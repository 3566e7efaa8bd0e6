package io.signalfold.correlation;

import io.signalfold.schema.DeadLetterReason;

/**
 * A JSON input the correlation stage cannot use, with the dead-letter reason and what was wrong.
 */
public final class InputParseException extends Exception {

  private static final long serialVersionUID = 1L;

  private final DeadLetterReason reason;

  public InputParseException(DeadLetterReason reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  public InputParseException(DeadLetterReason reason, String detail, Throwable cause) {
    super(detail, cause);
    this.reason = reason;
  }

  public DeadLetterReason reason() {
    return reason;
  }
}
