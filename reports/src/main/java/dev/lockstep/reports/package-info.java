/**
 * Campaign results: the types a campaign's outcome is made of, its {@code summary.json}
 * ({@link dev.lockstep.reports.SummaryJson}) and its Allure results
 * ({@link dev.lockstep.reports.AllureResults}).
 *
 * <p>Depends on nothing else of Lockstep, so the bench, the CLI and outside tools can all read
 * results. Public results never hold {@code null}: absent text is {@code ""}, absent lists and
 * maps are empty.
 */
package dev.lockstep.reports;
