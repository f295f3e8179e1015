/**
 * A reference model of the Apple DART IOMMU's page tables and of the io-pgtable contract for the
 * APPLE_DART and APPLE_DART2 formats, written from the hardware as m1n1 documents it (the fact
 * sheet, shared/spec/apple-pgtables.md §2), never from io-pgtable-dart.c.
 *
 * <ul>
 *   <li>{@link dev.lockstep.models.dart.DartLayout}: the two entry formats, bit by bit.</li>
 *   <li>{@link dev.lockstep.models.dart.DartPte}: one entry decoded by level.</li>
 *   <li>{@link dev.lockstep.models.dart.DartConfig}: the geometry (levels, TTBR selection, indices).</li>
 *   <li>{@link dev.lockstep.models.dart.DartWalker}: the walk, answering a
 *       {@link dev.lockstep.models.dart.DartTranslation}.</li>
 *   <li>{@link dev.lockstep.models.dart.DartContract}: what map/unmap/iova_to_phys must answer, with
 *       the choices the contract leaves open named in {@link dev.lockstep.models.dart.DartOptions}.</li>
 *   <li>{@link dev.lockstep.models.dart.DartSemantics}: whether a walk means what the contract promised.</li>
 * </ul>
 *
 * <h2>Where the sheet is silent</h2>
 * Each choice is named where it is made, and collected in docs/model-dart-uat.md: the unit of the
 * subpage window (1/4096 of the page, inclusive bounds); OA bits below the page size (dropped);
 * no output-size fault (the DART has none); faults found before any entry is read (reported at the
 * start level); and what an entry with bits outside its layout means ({@code isWellFormed} says it
 * is outside the model, the walk reads the defined fields only).
 */
package dev.lockstep.models.dart;
