"""A character model of the Zen of Python: an LSTM remembers further back than a plain RNN.

The network reads the text one character at a time (one-hot over the 45
characters) and at every step gives a probability for the next character
(softmax, cross-entropy per step).  Its cost in bits per character is how
many yes/no questions it still needs per character: 5.49 for a uniform
guess over 45 symbols, 0 for a model that knows the text by heart.

Both models have 64 hidden units and are trained the same way: truncated
backprop through time over 25 steps with the state carried from chunk to
chunk, Adam with lr 0.01, the gradient norm clipped at 5.  The plain RNN's
gradient shrinks with every step back (U and tanh' at every step), the
LSTM's cell state passes it back through its forget gates: the lecture's
claim is that the LSTM learns the longer patterns and so gets lower.  At the
end the LSTM writes text of its own, one sampled character at a time.

    python examples/char_lstm.py [--quick] [--out FOLDER] [--epochs 30]
"""

import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import LSTM, RNN, Dense, SequenceNetwork, datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "char_lstm"


def parse(argv):
    parser = example_parser(NAME, __doc__, "the first 300 characters, 16 hidden units, 4 epochs (a fast check)")
    parser.add_argument("--epochs", type=int, default=30, help="epochs per model (default 30)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    text = datasets.zen_of_python()
    hidden, epochs = 64, args.epochs
    if args.quick:
        text, hidden, epochs = text[:300], 16, 4
    vocab = datasets.Vocabulary(text)
    X, y = datasets.next_symbol_task(vocab.encode(text))
    print("{} characters, {} symbols: a uniform guess costs {:.2f} bits/char".format(
        len(text), len(vocab), math.log2(len(vocab))))
    bits, seconds, nets = {}, {}, {}
    for kind in (RNN, LSTM):
        net = SequenceNetwork([kind(len(vocab), hidden), Dense(hidden, len(vocab), "softmax")],
                              loss="cross_entropy", seed=0)
        start, cpu = time.perf_counter(), time.process_time()
        history = net.fit(X, y, epochs=epochs, bptt=25, optimizer="adam", lr=0.01, clip_norm=5, verbose=0)
        seconds[kind.__name__] = (time.perf_counter() - start, time.process_time() - cpu)
        bits[kind.__name__] = history["bits"]
        nets[kind.__name__] = net
        print("{}: {:,} parameters, {} epochs in {:.1f} s ({:.1f} s of CPU time)".format(
            kind.__name__, net.count_parameters(), epochs, *seconds[kind.__name__]))

    print("\ntraining cost, bits/char (mean over each epoch's steps)")
    print("epoch      RNN     LSTM")
    for epoch in range(epochs):
        if epoch < 5 or (epoch + 1) % 5 == 0 or epoch == epochs - 1:
            print("{:>5}  {:7.3f}  {:7.3f}".format(epoch + 1, bits["RNN"][epoch], bits["LSTM"][epoch]))

    lstm = nets["LSTM"]
    start_text = "The "
    sample = vocab.decode(lstm.sample(vocab.encode(start_text), 240 if not args.quick else 80,
                                      temperature=0.5, seed=1))
    print("\nthe LSTM writes (temperature 0.5, seed 1), after {!r}:\n{}{}".format(start_text, start_text, sample))

    os.makedirs(args.out, exist_ok=True)
    pictures.line_chart({"RNN": bits["RNN"], "LSTM": bits["LSTM"]}, xlabel="epoch", ylabel="bits per character",
                        title="Zen of Python, {} hidden units: RNN vs LSTM".format(hidden)
                        ).save(os.path.join(args.out, "bits_per_char.svg"))
    print("pictures written to {}: bits_per_char.svg".format(args.out))

    final = {name: values[-1] for name, values in bits.items()}
    uniform = math.log2(len(vocab))
    if args.quick:
        print("\nclaim: (quick run) both models learn, their cost falls below a uniform guess's {:.2f} bits   "
              "got: RNN {:.2f}, LSTM {:.2f}".format(uniform, final["RNN"], final["LSTM"]))
        assert final["RNN"] < uniform and final["LSTM"] < uniform, "both models should beat a uniform guess"
    else:
        print("\nclaim: the LSTM's gates keep what a plain RNN forgets, so after {} epochs it needs fewer bits "
              "per character   got: LSTM {:.2f} vs RNN {:.2f} bits/char".format(epochs, final["LSTM"], final["RNN"]))
        assert final["LSTM"] < final["RNN"], "the LSTM should end below the RNN"
    return 0


if __name__ == "__main__":
    sys.exit(main())
