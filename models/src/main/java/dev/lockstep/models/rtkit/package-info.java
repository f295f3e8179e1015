/**
 * A reference model of Apple's RTKit coprocessor mailbox protocol, written from the protocol facts
 * (shared/spec/rtkit.md: m1n1's reverse engineering and the documented behaviour of the
 * implementations), never from the driver under test. Pure functions over immutable values.
 *
 * <ul>
 *   <li>Codecs: {@link dev.lockstep.models.rtkit.Message} (msg0 + endpoint) and one record per
 *       message kind under {@link dev.lockstep.models.rtkit.RtkitMessage}, each with {@code encode()}
 *       and a total {@code decode} returning {@link dev.lockstep.models.rtkit.Decoded};
 *       {@link dev.lockstep.models.rtkit.RtkitCodec} dispatches by endpoint and type.</li>
 *   <li>The AP side: {@link dev.lockstep.models.rtkit.ApModel#step ApModel.step(ApState, ApInput)}
 *       gives the messages, callbacks, call result and next state of a correct AP.</li>
 *   <li>The coprocessor side: {@link dev.lockstep.models.rtkit.FirmwareModel} turns a
 *       {@link dev.lockstep.models.rtkit.FirmwareDescription} into well-formed stimulus and a
 *       catalogue of {@link dev.lockstep.models.rtkit.Malformation}s.</li>
 *   <li>Crash logs: {@link dev.lockstep.models.rtkit.Crashlog#parse} (bounds-checked, total) and
 *       {@link dev.lockstep.models.rtkit.CrashlogWriter}.</li>
 * </ul>
 *
 * Where implementations differ or the protocol leaves a choice, {@link dev.lockstep.models.rtkit.RtkitOptions}
 * names it; docs/model-rtkit.md argues each default.
 */
package dev.lockstep.models.rtkit;
