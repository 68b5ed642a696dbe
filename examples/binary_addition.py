"""Binary addition: a recurrent network learns to carry, and adds numbers longer than it was taught.

Two numbers go in as two bit streams, least significant bit first, and the
network outputs the sum's bit at each step.  Bit k of the sum is a_k XOR b_k
XOR carry, and the carry comes from the step before: a feed-forward network
looking at one step cannot do it, a recurrent one can, if its hidden state
learns to hold the carry.  Because the same weights run at every step, a
network that has learnt the carry on 8-bit numbers adds 16-bit (and longer)
numbers just as well.

RNN(2 → 8, tanh) → Dense(8 → 1, sigmoid), logistic loss per step, Adam,
trained on 8-bit additions, then tested on fresh additions of 4 to 32 bits.

    python examples/binary_addition.py [--quick] [--out FOLDER]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import RNN, Dense, SequenceNetwork, datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "binary_addition"


def main(argv=None):
    args = example_parser(NAME, __doc__, "fewer training additions and epochs (a fast check)").parse_args(argv)
    n, epochs = (64, 60) if args.quick else (256, 60)
    X, y = datasets.binary_addition(n, bits=8, seed=0)
    net = SequenceNetwork([RNN(2, 8), Dense(8, 1, "sigmoid")], loss="logistic", seed=0)
    print(net.summary())
    print("\ntraining on {} additions of 8-bit numbers ({} epochs, batches of 16) ...".format(n, epochs))
    start = time.perf_counter()
    history = net.fit(X, y, epochs=epochs, batch_size=16, lr=0.05, clip_norm=5, verbose=0)
    print("done in {:.1f} s; loss per bit {:.4f} -> {:.4f}".format(
        time.perf_counter() - start, history["loss"][0], history["loss"][-1]))

    print("\nfresh additions (not seen in training), every bit of the sum right:")
    print(" bits  additions right")
    by_length = {}
    for bits in (4, 8, 12, 16, 24, 32):
        Xt, yt = datasets.binary_addition(200, bits=bits, seed=100 + bits)
        by_length[bits] = net.evaluate(Xt, yt)["sequence_accuracy"]
        print("{:>5}  {:>13.1%}".format(bits, by_length[bits]))

    Xt, yt = datasets.binary_addition(1, bits=16, seed=7)
    bits_out = net.predict_classes(Xt)[0]
    a = datasets.bits_to_int([s[0] for s in Xt[0]])
    b = datasets.bits_to_int([s[1] for s in Xt[0]])
    print("\nfor example: {} + {} = {} (the network says {})".format(a, b, a + b, datasets.bits_to_int(bits_out)))

    os.makedirs(args.out, exist_ok=True)
    pictures.line_chart({"logistic loss per bit": history["loss"]}, xlabel="epoch", ylabel="loss",
                        title="Binary addition: training on 8-bit numbers").save(os.path.join(args.out, "loss.svg"))
    pictures.line_chart({"additions right": [(bits, 100 * acc) for bits, acc in by_length.items()]},
                        xlabel="bits per number", ylabel="% right",
                        title="Trained on 8 bits, tested on longer numbers"
                        ).save(os.path.join(args.out, "accuracy_by_length.svg"))
    print("pictures written to {}: loss.svg, accuracy_by_length.svg".format(args.out))

    print("\nclaim: one set of weights, used at every step, carries the carry to any length, so 8-bit "
          "training adds 16-bit numbers   got: {:.1%} of 16-bit additions right".format(by_length[16]))
    assert by_length[16] == 1.0, "the network should add every 16-bit pair right"
    return 0


if __name__ == "__main__":
    sys.exit(main())
