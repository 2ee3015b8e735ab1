// The page's logic: load the compiled recogniser with the wasmnn loader, turn the canvas into its input (as
// examples/WasmNN.Examples.TextRecognition does in C#), run it, decode the CTC output with PaddleOCR's alphabet.
import { loadModel } from './wasmnn/index.js';

const canvas = document.getElementById('canvas');
const context = canvas.getContext('2d', { willReadFrequently: true });
const show = (id, text) => { document.getElementById(id).textContent = text; };

const [model, alphabet] = await Promise.all([
  loadModel('./model/ppocr_rec.variants.json'),
  fetch('./model/ppocr_keys_v1.txt').then((r) => r.text()).then((t) => [...t.split('\n').map((l) => l.replace(/\r$/, '')).filter((l, i, all) => i < all.length - 1 || l !== ''), ' ']),
]);
const [, , height, width] = model.inputs[0].shape;
canvas.width = width;
canvas.height = height;
show('status', `model ${model.metadata.model}, variant ${model.variant}, input ${model.inputs[0].shape.join('x')}`);

/** The canvas's first `used` columns as the model's [1, 3, H, W] input: BGR planes, (v/255 - 0.5)/0.5, zero padding. */
function toInput(used) {
  const { data } = context.getImageData(0, 0, width, height);
  const input = new Float32Array(3 * height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < used; x++) {
      for (let c = 0; c < 3; c++) input[((2 - c) * height + y) * width + x] = (data[(y * width + x) * 4 + c] / 255 - 0.5) / 0.5;
    }
  }
  return input;
}

/** Greedy CTC: the best class per step, repeats merged, blanks (class 0) dropped. */
function decode(probabilities, steps, classes) {
  let text = '';
  let confidence = 0;
  let characters = 0;
  let previous = 0;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probabilities[t * classes + k] > probabilities[t * classes + best]) best = k;
    if (best !== 0 && best !== previous) {
      text += alphabet[best - 1];
      confidence += probabilities[t * classes + best];
      characters++;
    }
    previous = best;
  }
  return { text: text.trim(), confidence: characters === 0 ? 0 : confidence / characters };
}

async function read(used) {
  const input = toInput(used);
  const runs = 5;
  const times = [];
  let output;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    output = await model.run({ [model.inputs[0].name]: input });
    times.push(performance.now() - start);
  }
  const result = output[model.outputs[0].name];
  const [, steps, classes] = result.dims;
  const { text, confidence } = decode(result.data, steps, classes);
  times.sort((a, b) => a - b);
  show('result', text);
  show('timing', `confidence ${confidence.toFixed(3)}; ${times[Math.floor(runs / 2)].toFixed(1)} ms per run (median of ${runs}; fastest ${times[0].toFixed(1)}, slowest ${times[runs - 1].toFixed(1)} ms)`);
  // For tests and the curious: what went in and came out of the last run.
  window.wasmnnExample = { input: Array.from(input), output: Array.from(result.data), dims: result.dims, text, confidence, variant: model.variant, times };
  document.body.dataset.state = 'done';
}

function drawText() {
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#000';
  context.font = `${Math.round(height * 0.6)}px sans-serif`;
  context.textBaseline = 'middle';
  const text = document.getElementById('text').value;
  context.fillText(text, 4, height / 2, width - 8);
  return Math.min(width, Math.ceil(context.measureText(text).width) + 8);
}

async function drawImage(file) {
  const bitmap = await createImageBitmap(file);
  const used = Math.min(width, Math.ceil((height * bitmap.width) / bitmap.height));
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, used, height);
  return used;
}

document.getElementById('draw').addEventListener('click', () => read(drawText()));
document.getElementById('file').addEventListener('change', async (e) => {
  if (e.target.files.length > 0) await read(await drawImage(e.target.files[0]));
});
document.body.dataset.state = 'ready';
