/**
 * A drawing canvas for digits: white ink on black like MNIST, pointer events (mouse, pen,
 * touch), adjustable pen, and a callback when a stroke ends so the page can predict.
 */

export function createDrawingCanvas(canvas, { penInput, onStrokeEnd }) {
  const context = canvas.getContext('2d');
  let drawing = false;
  let last = null;
  let inked = false;

  function clear() {
    context.fillStyle = '#000';
    context.fillRect(0, 0, canvas.width, canvas.height);
    inked = false;
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) / box.width) * canvas.width,
      y: ((event.clientY - box.top) / box.height) * canvas.height,
    };
  }

  function stroke(from, to) {
    context.strokeStyle = '#fff';
    context.fillStyle = '#fff';
    context.lineWidth = Number(penInput.value);
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    inked = true;
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
    stroke(last, { x: last.x + 0.01, y: last.y }); // a click leaves a dot
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    const next = point(event);
    stroke(last, next);
    last = next;
  });
  const finish = () => {
    if (!drawing) return;
    drawing = false;
    if (inked) onStrokeEnd();
  };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);

  clear();
  return {
    clear,
    get inked() {
      return inked;
    },
    toDataUrl: () => canvas.toDataURL('image/png'),
  };
}
