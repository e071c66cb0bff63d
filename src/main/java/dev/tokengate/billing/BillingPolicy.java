package dev.tokengate.billing;

import java.util.Set;

/**
 * How accounts open: the credit a new user starts with, and the users that are never refused (the built-in admin user,
 * so the quick start works before anyone tops up).
 */
public record BillingPolicy(long newUserCreditMicros, Set<String> unlimitedUsers) {
    public boolean unlimited(String userId) {
        return unlimitedUsers.contains(userId);
    }
}
