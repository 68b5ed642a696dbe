# The 16×16 handwritten digits (USPS): a 256 -> hidden -> 10 network, trained epoch by epoch.
# The settings above the editor choose the hidden size, activation, learning rate and epochs.
import time
import page
from tinynet import Network, Dense, Momentum, datasets

hidden, activation, lr, epochs, samples = page.controls()
data = datasets.load_digits16()
X, y = data.X[:samples], data.y[:samples]
X_test, y_test = data.X_test[:1000], data.y_test[:1000]
net = Network([Dense(256, hidden, activation), Dense(hidden, 10, "softmax")],
              loss="cross_entropy", seed=0)
print(net.summary())

optimizer = Momentum(lr=lr, mu=0.9)
history = None
start = time.perf_counter()
for epoch in range(1, epochs + 1):
    step = net.fit(X, y, epochs=1, batch_size=32, optimizer=optimizer,
                   validation_data=(X_test, y_test), verbose=0)
    if history is None:
        history = step
    else:
        history.append(step.last())
    numbers = step.last()
    print("epoch {}: loss {:.3f}, test accuracy {:.1%}".format(
        epoch, numbers["loss"], numbers["val_accuracy"]))
    page.live(history.plot("Digits: loss and accuracy per epoch"))
seconds = time.perf_counter() - start
accuracy = net.evaluate(X_test, y_test)["accuracy"]
page.result("test accuracy {:.1%} on {} held-out digits ({} training digits, {:.0f} s)".format(
    accuracy, len(X_test), len(X), seconds))
page.show(net.plot())
