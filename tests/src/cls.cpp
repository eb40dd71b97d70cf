// cls.cpp - a C++ interface: an exported class with virtual and inline
// members, a static data member, a namespace, an overload set.
#define API __declspec(dllexport)

struct API Shape {
	Shape();
	virtual ~Shape();
	virtual double area() const;
	int id() const { return id_; } // inline member of an exported class
	static int count;
private:
	int id_;
};

Shape::Shape() : id_(++count) {}
Shape::~Shape() {}
double Shape::area() const { return 0.0; }
int Shape::count = 0;

namespace geo {
API double dist(double a, double b) { return a > b ? a - b : b - a; }
API int dist(int a, int b) { return a > b ? a - b : b - a; }
}

extern "C" API int c_entry(int x) { return x + 1; }
