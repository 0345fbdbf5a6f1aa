package io.creditscorer;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The management interface of a {@code @QuarkusTest} service (health and metrics), on its own port
 * beside the data plane.
 */
public final class Management {

  private Management() {}

  /** The management port of the service under test. */
  public static int port() {
    return ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
  }

  /**
   * A RestAssured request to the management interface: plain HTTP even where the data plane serves
   * TLS.
   */
  public static RequestSpecification given() {
    return RestAssured.given().baseUri("http://localhost").port(port());
  }
}
