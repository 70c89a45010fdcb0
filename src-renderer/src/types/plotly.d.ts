// The few plotly.js entry points the figures use (the dist-min bundle ships no types).
declare module 'plotly.js-dist-min' {
  export interface PlotTrace {
    x: ArrayLike<number | string>;
    y: ArrayLike<number | null>;
    type?: 'scatter' | 'scattergl';
    mode?: 'lines' | 'markers' | 'lines+markers';
    name?: string;
  }
  export interface PlotLayout {
    title?: { text: string };
    xaxis?: { title?: { text: string }; type?: 'linear' | 'log' };
    yaxis?: { title?: { text: string }; type?: 'linear' | 'log' };
    margin?: { l?: number; r?: number; t?: number; b?: number };
    height?: number;
    showlegend?: boolean;
  }
  export interface PlotConfig {
    responsive?: boolean;
    displaylogo?: boolean;
  }
  export function react(el: HTMLElement, data: PlotTrace[], layout?: PlotLayout, config?: PlotConfig): Promise<HTMLElement>;
  export function purge(el: HTMLElement): void;
  const Plotly: { react: typeof react; purge: typeof purge };
  export default Plotly;
}
