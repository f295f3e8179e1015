/**
 * Campaign results and reports.
 *
 * <p>Results: the types a campaign's outcome is made of, its {@code summary.json}
 * ({@link dev.lockstep.reports.SummaryJson}), its Allure results
 * ({@link dev.lockstep.reports.AllureResults}) and {@code report.md}
 * ({@link dev.lockstep.reports.MarkdownReport}).
 *
 * <p>Reports ({@code lockstep report}, {@link dev.lockstep.reports.LockstepReport}): a run
 * directory read back ({@link dev.lockstep.reports.RunDirectory}, with its
 * {@link dev.lockstep.reports.CampaignTimeline}), statistics
 * ({@link dev.lockstep.reports.Statistics}, {@link dev.lockstep.reports.CampaignStatistics}), the
 * summary page ({@link dev.lockstep.reports.SummaryPage}) with its plots, coverage heat maps
 * ({@link dev.lockstep.reports.CoverageHeatMap}) and drawn walks
 * ({@link dev.lockstep.reports.WalkDiagram}, {@link dev.lockstep.reports.SequenceDiagram}), and the
 * Allure report with history ({@link dev.lockstep.reports.AllureReport}, made by
 * {@link dev.lockstep.reports.AllureCommandline}). See {@code docs/reports.md}.
 *
 * <p>Depends on nothing else of Lockstep, so the bench, the CLI and outside tools can all read
 * results. Public results never hold {@code null}: absent text is {@code ""}, absent lists and
 * maps are empty.
 */
package dev.lockstep.reports;
