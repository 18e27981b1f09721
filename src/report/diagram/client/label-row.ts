/**
 * Labels written along a lane, left to right, each only where it clears the one before: when
 * the view is crowded every second or third value is written instead of none.
 */
export class Row {
  private readonly right: number[] = [];
  constructor(
    private readonly g: CanvasRenderingContext2D,
    private readonly width: number,
  ) {}
  /** Writes `text` centred at x on lane `lane` if it fits, whole, in the view; says why not. */
  put(lane: number, text: string, x: number, y: number): "written" | "edge" | "crowded" {
    const half = this.g.measureText(text).width / 2;
    // A value cut by the edge reads as another number ("280" as "0"): leave it out.
    if (x - half < 0 || x + half > this.width) return "edge";
    if (x - half < (this.right[lane] ?? Number.NEGATIVE_INFINITY) + 4) return "crowded";
    this.right[lane] = x + half;
    // A pale halo first, so an arrow passing under the label does not cross out its digits.
    const g = this.g;
    g.save();
    g.strokeStyle = "rgba(255, 255, 255, 0.9)";
    g.lineWidth = 3;
    g.lineJoin = "round";
    g.strokeText(text, x, y);
    g.restore();
    g.fillText(text, x, y);
    return "written";
  }
}
