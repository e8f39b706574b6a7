// ConvNetDraw: pictures for people — an RGB canvas, an embedded bitmap font, colour maps,
// tile grids and charts, written as PNG through ConvNetImage's encoder. It knows nothing of
// networks: it draws numbers it is given.
