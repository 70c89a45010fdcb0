/** A chart as data: what every plot in the app draws and what figure export writes. */
export interface FigureTrace {
  name: string;
  x: number[];
  y: (number | null)[];
  mode?: 'lines' | 'markers' | 'lines+markers';
}

export interface FigureMarker {
  x: number;
  label: string;
}

export interface FigureSpec {
  /** File stem for exports, e.g. "loss". */
  id: string;
  title: string;
  /** Axis labels carry their units, e.g. "frequency (Hz)". */
  xLabel: string;
  yLabel: string;
  yLog?: boolean;
  traces: FigureTrace[];
  /** Vertical lines on the x axis (recovery events on the timeline). */
  markers?: FigureMarker[];
  /** Runs the figure shows (stamped into exported files); empty for a data preview. */
  runIds: string[];
}
