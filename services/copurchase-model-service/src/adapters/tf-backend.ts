// Chooses the TensorFlow.js backend for training: wasm by default (portable, no native build), or
// any registered one by AISLE_TF_BACKEND: "cpu", or "tensorflow" where @tensorflow/tfjs-node installs.
import * as tf from '@tensorflow/tfjs';

export async function useTfBackend(name: string = process.env.AISLE_TF_BACKEND ?? 'wasm'): Promise<string> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (name === 'tensorflow') {
    // Optional native backend; not a dependency of this package, so it is resolved at run time.
    const nativeModule = '@tensorflow/tfjs-node';
    try {
      await import(nativeModule);
    } catch {
      throw new Error('AISLE_TF_BACKEND=tensorflow needs @tensorflow/tfjs-node, which is not installed');
    }
  }
  if (!(await tf.setBackend(name))) throw new Error(`TensorFlow.js backend "${name}" failed to initialise`);
  await tf.ready();
  return tf.getBackend();
}
