package io.signalfold.sinks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Applies a {@link Redactor} to every free-text string of an Avro record (descriptions, messages,
 * titles, templates, attribute and label values), returning a redacted deep copy. Identifiers are
 * redacted too: a series id built from a URL route or a change id can carry an e-mail address or a
 * password. Redaction is a function of the string alone, so every copy of an id (the signal, the
 * evidence that cites it, the anomaly feed) changes the same way and references stay joined; ids
 * without secrets are unchanged. Bytes (dead-letter payloads) are not touched: they are the
 * original input kept for inspection on the dead-letter topic.
 */
public final class RecordRedaction {

  private RecordRedaction() {}

  /** A deep copy of {@code record} with secrets removed from its strings. */
  public static <T extends SpecificRecord> T redact(T record, Redactor redactor) {
    T copy = SpecificData.getForClass(record.getClass()).deepCopy(record.getSchema(), record);
    redactInPlace(copy, redactor);
    return copy;
  }

  private static void redactInPlace(IndexedRecord r, Redactor redactor) {
    for (Schema.Field f : r.getSchema().getFields()) {
      Object v = r.get(f.pos());
      Object nv = redactValue(v, redactor);
      if (nv != v) {
        r.put(f.pos(), nv);
      }
    }
  }

  private static Object redactValue(Object v, Redactor redactor) {
    if (v instanceof CharSequence) {
      String s = v.toString();
      String red = redactor.redact(s);
      return red.equals(s) ? v : red;
    }
    if (v instanceof IndexedRecord) {
      redactInPlace((IndexedRecord) v, redactor);
      return v;
    }
    if (v instanceof List) {
      List<?> list = (List<?>) v;
      List<Object> out = new ArrayList<>(list.size());
      boolean changed = false;
      for (Object item : list) {
        Object n = redactValue(item, redactor);
        changed |= n != item;
        out.add(n);
      }
      return changed ? out : v;
    }
    if (v instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) v;
      Map<String, Object> out = new LinkedHashMap<>();
      boolean changed = false;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object n = redactValue(e.getValue(), redactor);
        changed |= n != e.getValue();
        out.put(e.getKey().toString(), n);
      }
      return changed ? out : v;
    }
    if (v instanceof Collection) {
      return v;
    }
    return v;
  }
}
