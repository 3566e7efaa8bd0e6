package io.signalfold.slo.internal;

/** Keys of the keyed evaluation: SLO name, a record separator, the group key. */
public final class SliKeys {

  private static final char SEPARATOR = '\u001e';

  private SliKeys() {}

  public static String key(String sloName, String groupKey) {
    return sloName + SEPARATOR + groupKey;
  }

  public static String sloName(String key) {
    int i = key.indexOf(SEPARATOR);
    return i < 0 ? key : key.substring(0, i);
  }

  public static String groupKey(String key) {
    int i = key.indexOf(SEPARATOR);
    return i < 0 ? "" : key.substring(i + 1);
  }
}
