package io.creditscorer.training;

import io.creditscorer.features.FeatureSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adverse-action reason codes and human-readable descriptions for the German Credit fields, written
 * into every version's descriptor. Numeric fields use a template with {@code {value}}; categories
 * have one sentence each (category spellings as in the ARFF header).
 */
final class ReasonTexts {

  private ReasonTexts() {}

  static FeatureSpec describe(FeatureSpec f) {
    return switch (f.name()) {
      case "checking_status" ->
          cat(
              f,
              "R01",
              "<0",
              "Checking account balance below 0 DM",
              "0<=X<200",
              "Checking account balance between 0 and 200 DM",
              ">=200",
              "Checking account balance of 200 DM or more",
              "no checking",
              "No checking account");
      case "duration" -> f.withReasons("R02", "Loan duration of {value} months", null);
      case "credit_history" ->
          cat(
              f,
              "R03",
              "no credits/all paid",
              "No credits taken, or all paid back duly",
              "all paid",
              "All credits at this bank paid back duly",
              "existing paid",
              "Existing credits paid back duly so far",
              "delayed previously",
              "Delays in paying off credits in the past",
              "critical/other existing credit",
              "Critical account or credits at other banks");
      case "purpose" -> f.withReasons("R04", "Loan purpose: {value}", null);
      case "credit_amount" -> f.withReasons("R05", "Credit amount of {value} DM", null);
      case "savings_status" ->
          cat(
              f,
              "R06",
              "<100",
              "Savings below 100 DM",
              "100<=X<500",
              "Savings between 100 and 500 DM",
              "500<=X<1000",
              "Savings between 500 and 1000 DM",
              ">=1000",
              "Savings of 1000 DM or more",
              "no known savings",
              "No known savings");
      case "employment" ->
          cat(
              f,
              "R07",
              "unemployed",
              "Unemployed",
              "<1",
              "Employed for less than a year",
              "1<=X<4",
              "Employed for 1 to 4 years",
              "4<=X<7",
              "Employed for 4 to 7 years",
              ">=7",
              "Employed for 7 years or more");
      case "installment_commitment" ->
          f.withReasons(
              "R08",
              "Instalment rate of {value} on a scale of 1 to 4 (share of disposable income)",
              null);
      case "other_parties" ->
          cat(
              f,
              "R09",
              "none",
              "No co-applicant or guarantor",
              "co applicant",
              "A co-applicant shares the loan",
              "guarantor",
              "A guarantor backs the loan");
      case "residence_since" ->
          f.withReasons("R10", "At the present residence for {value} on a scale of 1 to 4", null);
      case "property_magnitude" ->
          cat(
              f,
              "R11",
              "real estate",
              "Owns real estate",
              "life insurance",
              "Most valuable property: savings agreement or life insurance",
              "car",
              "Most valuable property: car or other",
              "no known property",
              "No known property");
      case "age" -> f.withReasons("R12", "Age of {value} years", null);
      case "other_payment_plans" ->
          cat(
              f,
              "R13",
              "bank",
              "Other instalment plans at banks",
              "stores",
              "Other instalment plans at stores",
              "none",
              "No other instalment plans");
      case "housing" ->
          cat(
              f,
              "R14",
              "rent",
              "Rents a home",
              "own",
              "Owns a home",
              "for free",
              "Lives rent-free");
      case "existing_credits" ->
          f.withReasons("R15", "{value} existing credits at this bank", null);
      case "job" ->
          cat(
              f,
              "R16",
              "unemp/unskilled non res",
              "Unemployed or unskilled non-resident",
              "unskilled resident",
              "Unskilled resident",
              "skilled",
              "Skilled employee or official",
              "high qualif/self emp/mgmt",
              "Management, self-employed or highly qualified");
      case "num_dependents" -> f.withReasons("R17", "{value} people depend on the applicant", null);
      case "own_telephone" ->
          cat(f, "R18", "none", "No telephone registered", "yes", "Telephone registered");
      default -> throw new IllegalArgumentException("no reason texts for " + f.name());
    };
  }

  private static FeatureSpec cat(FeatureSpec f, String code, String... pairs) {
    Map<String, String> texts = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      texts.put(pairs[i], pairs[i + 1]);
    }
    if (!texts.keySet().equals(f.categories().keySet())) {
      throw new IllegalArgumentException(
          "reason texts of " + f.name() + " do not cover its categories");
    }
    return f.withReasons(code, null, texts);
  }
}
