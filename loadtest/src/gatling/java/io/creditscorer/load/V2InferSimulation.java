package io.creditscorer.load;

/**
 * Open Inference Protocol over REST: {@code POST /v2/models/credit-risk/versions/{v}/infer}, one
 * encoded German Credit row per request. {@code loadtest/gatling.sh v2 [rps] [duration]}.
 */
public class V2InferSimulation extends JsonPostSimulation {

  public V2InferSimulation() {
    super(
        "V2 infer, one row",
        "/v2/models/credit-risk/versions/{version}/infer",
        "v2_body",
        "outputs[0].data[1]");
  }
}
