/**
 * Rolling-element bearing kinematics: the characteristic defect frequencies as
 * multiples of shaft speed (classical formulas, no slip; real bearings run 1–2 % off).
 *
 *   BPFO = n/2 · (1 − d/D·cosφ)          outer-race defect, ball pass frequency outer
 *   BPFI = n/2 · (1 + d/D·cosφ)          inner-race defect
 *   BSF  = D/(2d) · (1 − (d/D·cosφ)²)    ball spin (a ball defect strikes the races at 2·BSF)
 *   FTF  = 1/2 · (1 − d/D·cosφ)          cage (fundamental train) frequency
 *
 * n = rolling elements, d = ball diameter, D = pitch diameter (same unit), φ = contact angle.
 */

export interface BearingGeometry {
  name: string;
  balls: number;
  /** Ball diameter (any unit, same as pitchDiameter). */
  ballDiameter: number;
  pitchDiameter: number;
  /** Contact angle in degrees. */
  contactAngleDeg: number;
}

/** Defect frequencies as multiples of the shaft rotation frequency. */
export interface DefectMultipliers {
  bpfo: number;
  bpfi: number;
  bsf: number;
  ftf: number;
}

/** Defect frequencies in Hz at a given shaft speed. */
export interface DefectFrequencies extends DefectMultipliers {
  shaftHz: number;
}

/** CWRU drive-end bearing: SKF 6205-2RS JEM, 9 balls, d 0.3126 in, D 1.537 in. */
export const SKF_6205: BearingGeometry = {
  name: 'SKF 6205-2RS',
  balls: 9,
  ballDiameter: 0.3126,
  pitchDiameter: 1.537,
  contactAngleDeg: 0,
};

/** CWRU fan-end bearing: SKF 6203-2RS JEM, 8 balls (CWRU's BPFO 3.0530 = 8/2·(1 − d/D)), d 0.2656 in, D 1.122 in. */
export const SKF_6203: BearingGeometry = {
  name: 'SKF 6203-2RS',
  balls: 8,
  ballDiameter: 0.2656,
  pitchDiameter: 1.122,
  contactAngleDeg: 0,
};

export function defectMultipliers(g: BearingGeometry): DefectMultipliers {
  if (!(g.balls > 0) || !(g.ballDiameter > 0) || !(g.pitchDiameter > g.ballDiameter)) {
    throw new RangeError(
      `bearing geometry '${g.name}': need balls > 0 and 0 < ballDiameter < pitchDiameter ` +
        `(got balls ${g.balls}, d ${g.ballDiameter}, D ${g.pitchDiameter})`,
    );
  }
  const ratio = (g.ballDiameter / g.pitchDiameter) * Math.cos((g.contactAngleDeg * Math.PI) / 180);
  return {
    bpfo: (g.balls / 2) * (1 - ratio),
    bpfi: (g.balls / 2) * (1 + ratio),
    bsf: (g.pitchDiameter / (2 * g.ballDiameter)) * (1 - ratio * ratio),
    ftf: 0.5 * (1 - ratio),
  };
}

/** Defect frequencies in Hz for a shaft speed in rev/min. */
export function defectFrequencies(g: BearingGeometry, rpm: number): DefectFrequencies {
  const m = defectMultipliers(g);
  const shaftHz = rpm / 60;
  return { shaftHz, bpfo: m.bpfo * shaftHz, bpfi: m.bpfi * shaftHz, bsf: m.bsf * shaftHz, ftf: m.ftf * shaftHz };
}

/**
 * The bearing a channel measures, where the layout says so: CWRU names its channels by the
 * accelerometer's end (…_DE_time drive end, 6205; …_FE_time fan end, 6203), and the demo
 * generator models the drive-end bearing (its channel is "DE"). Anything else: null (unknown).
 */
export function bearingOfChannel(channelName: string): BearingGeometry | null {
  if (/(^|_)DE(_time)?$/i.test(channelName)) return SKF_6205;
  if (/(^|_)FE(_time)?$/i.test(channelName)) return SKF_6203;
  return null;
}
