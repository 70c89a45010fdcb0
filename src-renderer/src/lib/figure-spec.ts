/** A chart as data: what every plot in the app draws and what figure export writes. */
export interface FigureTrace {
  name: string;
  x: number[];
  y: (number | null)[];
  mode?: 'lines' | 'markers' | 'lines+markers';
  /** Multi-panel figures: index into FigureSpec.panels (default 0). */
  panel?: number;
  /** Fixed colour and dash (default: the palette in trace order, solid). */
  color?: string;
  dash?: 'solid' | 'dash' | 'dot';
  /** False hides the legend entry (e.g. a second panel repeating a class's colour). */
  showLegend?: boolean;
  /** An edge of a ± band: drawn without a line; with fill 'tonexty', shaded down to the trace before it. */
  band?: boolean;
  fill?: 'tonexty';
}

/** One panel of a multi-panel figure: its own axes; the figure's xLabel/yLabel are unused then. */
export interface FigurePanel {
  title: string;
  xLabel: string;
  yLabel: string;
  yLog?: boolean;
}

export interface FigureMarker {
  x: number;
  label: string;
  /** Write the label beside the line on screen (defect frequencies); default: the line alone. */
  showLabel?: boolean;
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
  /** Side-by-side panels (one row on screen and in double column, stacked in single column). */
  panels?: FigurePanel[];
  /** Runs the figure shows (stamped into exported files); empty for a data preview. */
  runIds: string[];
}
