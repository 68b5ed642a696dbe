# The lecture's 2-2-2-2 sigmoid network: forward pass z = W·a + b, a = g(z), then backprop.
import page
from tinynet import Network, Dense

weights = [([[1.0, -2.0], [-1.0, 1.0]], [1.0, 0.0]),       # (W, b) of each layer, as on the slides
           ([[2.0, -1.0], [-2.0, -1.0]], [0.0, 0.0]),
           ([[3.0, -1.0], [-1.0, 4.0]], [-2.0, 2.0])]
net = Network([Dense(2, 2, "sigmoid") for _ in weights], loss="squared_error")
for layer, (W, b) in zip(net.layers, weights):
    layer.set_weights(W, b)

for x in ([1.0, -1.0], [0.0, 0.0]):
    out = net.predict([x])[0]
    print("x = {} -> a = [{:.2f}, {:.2f}]".format(x, *out))   # [0.62, 0.83] and [0.51, 0.85]

# One backward pass for x = [1, -1], t = [1, 0]: delta_k = (a_k - t_k)·g'(z_k), then down the layers.
loss, grads = net.gradients([[1.0, -1.0]], [[1.0, 0.0]])
print("E = {:.4f}".format(loss))
for l, (dW, db) in enumerate(grads, start=1):
    print("layer {}: dE/dW = {}  dE/db = {}".format(l, [[round(v, 4) for v in row] for row in dW],
                                                    [round(v, 4) for v in db]))
first = net.predict([[1.0, -1.0]])[0]
page.result("forward pass: [1, -1] -> [{:.2f}, {:.2f}]".format(*first))
page.show(net.plot())
