// A tiny inline SVG line of the last samples of one figure.
import { setAttr, svg } from './dom.ts';
import type { SampleHistory } from './sample-history.ts';
import { sparklinePoints } from './sparkline.ts';

const WIDTH = 64;
const HEIGHT = 18;

export class SparklineView {
  readonly element: SVGSVGElement;
  private readonly _line = svg('polyline', { class: 'spark-line', fill: 'none', 'vector-effect': 'non-scaling-stroke' });

  constructor(label: string) {
    this.element = svg(
      'svg',
      { class: 'sparkline', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': label },
      this._line,
    );
  }

  update(history: SampleHistory): void {
    setAttr(this._line, 'points', sparklinePoints(history.values, { width: WIDTH, height: HEIGHT, capacity: history.capacity }));
  }
}
