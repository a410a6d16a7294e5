"""The optimizers, one family per module, each a pair of pure functions.

``opt = rmsprop(learning_rate=0.01, beta=0.9, eps=1e-8)`` gives an :class:`Optimizer`:
``state = opt.init(params)``, then ``params, state = opt.step(params, grads, state)``, as often
as you like. Nothing is modified in place: the state is an immutable NamedTuple of read-only
arrays, and ``step`` returns new ones.

Where to read what:

- ``rmsprop.py``: RMSProp, the subject of the book, in one function (``_step``) that reads top to
  bottom in the order of its equations;
- ``adagrad.py``: AdaGrad; ``sgd.py``: gradient descent, with momentum and Nesterov;
  ``adam.py``: Adam, and AMSGrad with ``amsgrad=True``;
- ``common.py``: the :class:`Optimizer` type and the little every family shares.

Notation of the book (``notation.md``): ``g_t`` is the gradient of step ``t`` (1-based), ``V_T``
the accumulator of squared gradients, ``beta`` its decay, ``eta`` (``eta_t`` under a schedule) the
learning rate, ``eps`` the constant that keeps the denominator ``d_T`` away from zero, ``momentum``
the momentum coefficient. Updates are element-wise; the arithmetic is float64 whatever the dtype
of the parameters (float32 inputs give float64 results).

Defaults follow one rule. ``learning_rate``, ``beta`` (Adam's ``beta1``, ``beta2``) and ``eps``
have none: the frameworks disagree on all of them (RMSProp: eta 1e-2 / 1e-3 / none, beta 0.99 /
0.9 / 0.9, eps 1e-8 outside the square root / 1e-7 inside / 1e-8 inside) and the book gives them
no standard value. Every other argument defaults to the update exactly as the book writes it in
``notation.md``: ``V_0 = 0`` (``initial_accumulator=0.0``), eps outside the square root
(``eps_in_sqrt=False``), and every addition switched off (momentum, centring, weight decay,
learning-rate decay; bias correction off for RMSProp, on for Adam as in its paper). So a default
never picks a framework for you, even where it agrees with one: PyTorch and AdaGrad's paper put
eps outside the root as the book does, Keras and optax inside, and Keras starts AdaGrad's
accumulator at 0.1, TF1 RMSProp's at 1.0. ``rmsprop_lib.frameworks.from_framework`` sets every
such switch to the framework's value explicitly.

Every hyperparameter may be an array that broadcasts against the parameters (params ``(B, d)``
with ``learning_rate=lrs[:, None]`` runs B settings at once); each row equals its single run bit
for bit.
"""
