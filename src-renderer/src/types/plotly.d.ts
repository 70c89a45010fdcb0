// The few plotly.js entry points the figures use (the dist-min bundle ships no types).
declare module 'plotly.js-dist-min' {
  export interface PlotTrace {
    x: ArrayLike<number | string>;
    y: ArrayLike<number | null>;
    type?: 'scatter' | 'scattergl';
    mode?: 'lines' | 'markers' | 'lines+markers';
    name?: string;
    line?: { width?: number; color?: string; dash?: string };
    marker?: { size?: number; color?: string };
    xaxis?: string;
    yaxis?: string;
    showlegend?: boolean;
    fill?: 'tonexty';
    fillcolor?: string;
    hoverinfo?: 'skip';
  }
  export interface PlotFont {
    family?: string;
    size?: number;
    color?: string;
  }
  export interface PlotAxis {
    title?: { text: string; font?: PlotFont; standoff?: number };
    type?: 'linear' | 'log';
    linewidth?: number;
    showline?: boolean;
    mirror?: boolean;
    ticks?: '' | 'outside' | 'inside';
    tickwidth?: number;
    ticklen?: number;
    gridwidth?: number;
    showgrid?: boolean;
    zeroline?: boolean;
    tickfont?: PlotFont;
    automargin?: boolean;
    exponentformat?: 'none' | 'e' | 'E' | 'power' | 'SI' | 'B';
    /** Multi-panel figures: the axis's share of the paper and the axis it is drawn against. */
    domain?: [number, number];
    anchor?: string;
  }
  export interface PlotAnnotation {
    text: string;
    xref: 'paper' | 'x';
    yref: 'paper';
    textangle?: number;
    x: number;
    y: number;
    xanchor?: 'left' | 'center' | 'right';
    yanchor?: 'top' | 'middle' | 'bottom';
    showarrow: false;
    font?: PlotFont;
  }
  export interface PlotShape {
    type: 'line';
    xref: 'x';
    yref: 'paper';
    x0: number;
    x1: number;
    y0: number;
    y1: number;
    line?: { color?: string; width?: number; dash?: string };
  }
  export interface PlotLayout {
    title?: { text: string; font?: PlotFont };
    xaxis?: PlotAxis;
    yaxis?: PlotAxis;
    margin?: { l?: number; r?: number; t?: number; b?: number };
    width?: number;
    height?: number;
    showlegend?: boolean;
    legend?: { font?: PlotFont; x?: number; y?: number; xanchor?: string; yanchor?: string; bgcolor?: string; orientation?: 'h' | 'v' };
    font?: PlotFont;
    shapes?: PlotShape[];
    annotations?: PlotAnnotation[];
    /** Further panels' axes (xaxis2, yaxis2, …). */
    [axis: `${'x' | 'y'}axis${number}`]: PlotAxis | undefined;
    paper_bgcolor?: string;
    plot_bgcolor?: string;
  }
  export interface PlotConfig {
    responsive?: boolean;
    displaylogo?: boolean;
    displayModeBar?: boolean;
    staticPlot?: boolean;
  }
  export interface ImageOptions {
    format: 'png' | 'svg' | 'jpeg' | 'webp';
    width: number;
    height: number;
    scale?: number;
  }
  export function react(el: HTMLElement, data: PlotTrace[], layout?: PlotLayout, config?: PlotConfig): Promise<HTMLElement>;
  export function purge(el: HTMLElement): void;
  export function toImage(fig: { data: PlotTrace[]; layout: PlotLayout }, opts: ImageOptions): Promise<string>;
  const Plotly: { react: typeof react; purge: typeof purge; toImage: typeof toImage };
  export default Plotly;
}
