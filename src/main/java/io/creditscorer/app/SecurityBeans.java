package io.creditscorer.app;

import io.creditscorer.base.Ticker;
import io.creditscorer.security.AuthSettings;
import io.creditscorer.security.FailedAuthentications;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** What the doors share to keep callers out: the count of failed authentications. */
@Singleton
public class SecurityBeans {

  @Produces
  @Singleton
  FailedAuthentications failedAuthentications(AuthSettings auth) {
    AuthSettings.Failures f = auth.failures();
    return new FailedAuthentications(
        f.limit(), f.window(), f.block(), f.maxClients(), Ticker.system());
  }
}
