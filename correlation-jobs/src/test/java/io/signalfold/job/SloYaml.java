package io.signalfold.job;

/** OpenSLO documents for tests. */
final class SloYaml {

  private SloYaml() {}

  /** 99.9% of the service's requests succeed over a rolling 30 days (RED points from spans). */
  static String frontendAvailability(String service) {
    return """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: %1$s-availability
        spec:
          service: %1$s
          indicator:
            metadata:
              name: %1$s-requests
            spec:
              ratioMetric:
                counter: true
                good:
                  metricSource:
                    type: signalfold
                    spec: {signal: spans, measure: successes}
                total:
                  metricSource:
                    type: signalfold
                    spec: {signal: spans, measure: requests}
          timeWindow:
            - duration: 30d
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - displayName: three nines
              target: 0.999
        """
        .formatted(service);
  }
}
