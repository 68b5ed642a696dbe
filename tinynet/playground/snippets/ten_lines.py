# Ten lines: a 2-4-1 network learns XOR. Edit anything and press Run.
import page
from tinynet import Network, Dense, datasets

X, y = datasets.xor()                                   # 4 points, labels 0/1
net = Network([Dense(2, 4, "tanh"), Dense(4, 1, "sigmoid")], loss="logistic", seed=1)
history = net.fit(X, y, epochs=1000, batch_size=4, lr=0.5, verbose=0)
print(net.summary())
print("predicted classes:", net.predict_classes(X))    # [0, 1, 1, 0]
accuracy = net.evaluate(X, y)["accuracy"]
page.result("XOR accuracy {:.0%}".format(accuracy))
page.show(history.plot("XOR: loss per epoch"))
page.show(net.plot())
